//! Configuration loading: layer precedence, the seed bot's variables, and validation that
//! reports every problem with its origin and never echoes secrets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use polymm::config::{ConfigError, EnvSnapshot, LoadOptions, Mode, load};
use rust_decimal_macros::dec;

fn file(contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("actors.toml");
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

fn options(path: Option<PathBuf>, env: &[(&str, &str)], overrides: &[(&str, &str)]) -> LoadOptions {
    LoadOptions {
        config_path: path,
        env: EnvSnapshot::from_pairs(env.iter().copied()),
        overrides: overrides.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
    }
}

fn problems(err: ConfigError) -> Vec<String> {
    err.issues().iter().map(ToString::to_string).collect()
}

#[test]
fn built_in_defaults_are_the_seed_defaults_in_sim_mode() {
    let (_dir, path) = file("");
    let config = load(&options(Some(path), &[], &[])).unwrap().config;
    assert_eq!(config.mode, Mode::Sim);
    assert_eq!(config.quoting.spread, dec!(0.04));
    assert_eq!(config.quoting.size.value(), dec!(10));
    assert_eq!(config.quoting.requote_threshold, dec!(0.03));
    assert_eq!(config.risk.max_daily_loss.value(), dec!(50));
    assert_eq!(config.risk.kelly_fraction, dec!(0.25));
    assert_eq!(config.markets.max_spread, dec!(0.15));
    assert_eq!(config.alpha.regime_window_size, 50);
    assert!(config.credentials.private_key.is_none());
}

#[test]
fn later_layers_win_file_then_polymm_env_then_seed_env_then_command_line() {
    let (_dir, path) = file("[quoting]\nspread = \"0.05\"\nsize = \"12\"\n[risk]\nmax_position = \"70\"\n");
    let env = [("POLYMM_QUOTING__SIZE", "13"), ("MM_SIZE", "14"), ("POLYMM_RISK__MAX_POSITION", "80")];
    let loaded = load(&options(Some(path.clone()), &env, &[("risk.max_position", "90")])).unwrap();
    assert_eq!(loaded.config.quoting.spread, dec!(0.05));
    assert_eq!(loaded.config.quoting.size.value(), dec!(14));
    assert_eq!(loaded.config.risk.max_position.value(), dec!(90));
    let origins: Vec<(String, String)> = loaded.effective().into_iter().map(|e| (e.key, e.origin)).collect();
    let origin = |key: &str| origins.iter().find(|(k, _)| k == key).unwrap().1.clone();
    assert!(
        origin("quoting.spread").contains("actors.toml key quoting.spread"),
        "{}",
        origin("quoting.spread")
    );
    assert_eq!(origin("quoting.size"), "MM_SIZE (environment)");
    assert_eq!(origin("risk.max_position"), "command line --set risk.max_position=…");
    assert_eq!(origin("quoting.strategy"), "built-in default");
}

#[test]
fn every_seed_variable_maps_to_its_key() {
    let env = [
        ("DRY_RUN", "true"),
        ("RISK_ENFORCE", "false"),
        ("MM_SPREAD", "0.06"),
        ("MM_REQUOTE_THRESHOLD", "0.02"),
        ("MM_POSITION_LIMIT", "40"),
        ("SPREAD_MIN", "0.03"),
        ("SPREAD_MAX", "0.12"),
        ("INVENTORY_SKEW_MAX", "0.01"),
        ("RISK_MAX_DAILY_LOSS", "75"),
        ("RISK_MAX_TOTAL_EXPOSURE", "900"),
        ("RISK_ERROR_COOLDOWN", "30"),
        ("KELLY_FRACTION", "0.15"),
        ("ADVERSE_TOXIC_THRESHOLD", "0.5"),
        ("MARKET_MIN_VOLUME", "5000"),
        ("MARKET_MIN_SPREAD", "0.01"),
        ("MARKET_MAX_SPREAD", "0.2"),
        ("MARKET_MIN_HOURS_TO_RESOLUTION", "24"),
        ("MARKET_MIN_PRICE", "0.1"),
        ("MARKET_MAX_PRICE", "0.9"),
        ("ARB_MIN_PROFIT_BPS", "30"),
        ("FLOW_WINDOW_SECONDS", "120"),
        ("FLOW_IMBALANCE_THRESHOLD", "0.2"),
        ("REGIME_WINDOW_SIZE", "80"),
    ];
    let (_dir, path) = file("");
    let c = load(&options(Some(path), &env, &[])).unwrap().config;
    assert_eq!(c.mode, Mode::Paper);
    assert!(!c.risk.enforce);
    assert_eq!(
        (c.quoting.spread, c.quoting.requote_threshold, c.quoting.position_limit.value()),
        (dec!(0.06), dec!(0.02), dec!(40))
    );
    assert_eq!(
        (c.quoting.spread_min, c.quoting.spread_max, c.quoting.inventory_skew_max),
        (dec!(0.03), dec!(0.12), dec!(0.01))
    );
    assert_eq!((c.risk.max_daily_loss.value(), c.risk.max_total_exposure.value()), (dec!(75), dec!(900)));
    assert_eq!(
        (c.risk.error_cooldown_secs, c.risk.kelly_fraction, c.risk.adverse_toxic_threshold),
        (30, dec!(0.15), dec!(0.5))
    );
    assert_eq!(
        (c.markets.min_volume, c.markets.min_spread, c.markets.max_spread),
        (dec!(5000), dec!(0.01), dec!(0.2))
    );
    assert_eq!(
        (c.markets.min_hours_to_resolution, c.markets.min_price, c.markets.max_price),
        (dec!(24), dec!(0.1), dec!(0.9))
    );
    assert_eq!((c.alpha.arb_min_profit_bps, c.alpha.flow_window_secs), (30, 120));
    assert_eq!((c.alpha.flow_imbalance_threshold, c.alpha.regime_window_size), (dec!(0.2), 80));
}

#[test]
fn dry_run_false_selects_live_which_needs_a_key() {
    let (_dir, path) = file("");
    let err = load(&options(Some(path.clone()), &[("DRY_RUN", "false")], &[])).unwrap_err();
    assert!(problems(err).iter().any(|p| p.starts_with("mode: live mode needs POLY_PRIVATE_KEY")));
    let key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    let loaded = load(&options(
        Some(path),
        &[("DRY_RUN", "false"), ("POLY_PRIVATE_KEY", key), ("RISK_ENFORCE", "false")],
        &[],
    ))
    .unwrap();
    assert_eq!(loaded.config.mode, Mode::Live);
    assert_eq!(loaded.warnings.len(), 1, "live ignores risk.enforce=false, with a warning");
    assert!(!format!("{:?}", loaded.config).contains("ac0974bec"));
    let shown: Vec<_> =
        loaded.effective().into_iter().filter(|e| e.key == "credentials.private_key").collect();
    assert_eq!(shown[0].value, "[redacted]");
    assert_eq!(shown[0].origin, "POLY_PRIVATE_KEY (environment)");
}

#[test]
fn three_bad_file_values_and_two_bad_variables_are_all_reported_with_origins() {
    let (_dir, path) =
        file("mode = \"simulated\"\n[quoting]\nspread = \"wide\"\n[risk]\nkelly_fraction = \"1.5\"\n");
    let env = [("MM_SIZE", "ten"), ("POLYMM_ALPHA__REGIME_WINDOW_SIZE", "-3")];
    let found = problems(load(&options(Some(path.clone()), &env, &[])).unwrap_err());
    assert_eq!(found.len(), 5, "{found:#?}");
    let file_key = |key: &str| format!("{} key {key}", path.display());
    let expect = [
        ("mode:", file_key("mode")),
        ("quoting.spread:", file_key("quoting.spread")),
        ("risk.kelly_fraction:", file_key("risk.kelly_fraction")),
        ("quoting.size:", "MM_SIZE (environment)".to_owned()),
        ("alpha.regime_window_size:", "POLYMM_ALPHA__REGIME_WINDOW_SIZE (environment)".to_owned()),
    ];
    for (key, origin) in expect {
        assert!(
            found.iter().any(|p| p.starts_with(key) && p.contains(&origin)),
            "{key} from {origin} in {found:#?}"
        );
    }
}

#[test]
fn unknown_keys_cross_field_errors_and_file_secrets_are_problems() {
    let toml = "[quoting]\nsprad = \"0.1\"\nspread_min = \"0.2\"\nspread_max = \"0.1\"\n[credentials]\nprivate_key = \"0xdeadbeefsecret\"\n";
    let (_dir, path) = file(toml);
    let found = problems(load(&options(Some(path), &[], &[])).unwrap_err());
    assert!(
        found.iter().any(|p| p.contains("quoting.sprad: unknown key; did you mean quoting.spread?")),
        "{found:#?}"
    );
    assert!(found.iter().any(|p| p.starts_with("quoting.spread_min:")));
    assert!(
        found.iter().any(|p| {
            p.starts_with("credentials.private_key: secrets are read from the environment only")
        })
    );
    assert!(found.iter().all(|p| !p.contains("deadbeef")));
}

#[test]
fn a_bad_private_key_is_reported_without_echoing_it() {
    let (_dir, path) = file("");
    let found =
        problems(load(&options(Some(path), &[("POLY_PRIVATE_KEY", "0x1234secretish")], &[])).unwrap_err());
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("credentials.private_key:"));
    assert!(!found[0].contains("1234secretish"));
}

#[test]
fn a_missing_explicit_file_and_bad_toml_are_unreadable() {
    let missing = options(Some(PathBuf::from("/nonexistent/actors.toml")), &[], &[]);
    assert!(matches!(load(&missing), Err(ConfigError::Unreadable(_))));
    let (_dir, path) = file("[quoting\nspread=");
    assert!(matches!(load(&options(Some(path), &[], &[])), Err(ConfigError::Unreadable(_))));
}

#[test]
fn the_shipped_actors_toml_is_valid_as_a_user_file() {
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("actors.toml");
    let loaded = load(&options(Some(shipped), &[], &[])).unwrap();
    assert!(loaded.effective().iter().any(|e| e.origin.contains("actors.toml key mode")));
}

#[test]
fn sim_scenarios_are_tables_users_can_add_and_bad_ones_are_named() {
    let (_dir, path) = file(
        "[sim]\nscenario = \"mine\"\nfaults = \"http_5xx=3,bogus=1\"\n\
         [sim.scenarios.mine]\nnoise_rate = 4\nrival_makers = 2\nstart_low = 0.9\nstart_high = 0.2\n",
    );
    let found = problems(load(&options(Some(path), &[], &[])).unwrap_err());
    assert!(
        found.iter().any(|p| p.starts_with("sim.faults") && p.contains("http_5xx") && p.contains("bogus")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.starts_with("sim.scenarios.mine.fundamental_vol") && p.contains("missing")),
        "{found:?}"
    );
    assert!(found.iter().any(|p| p.starts_with("sim.scenarios.mine.start_low")), "{found:?}");
    assert!(
        !found.iter().any(|p| p.contains("unknown key")),
        "known fields of a new table are accepted: {found:?}"
    );

    let (_dir, path) = file("[sim.scenarios.calm]\nnoise_rte = 2\n");
    let found = problems(load(&options(Some(path), &[], &[])).unwrap_err());
    assert!(
        found.iter().any(|p| p.starts_with("sim.scenarios.calm.noise_rte") && p.contains("unknown key")),
        "{found:?}"
    );

    let loaded = load(&options(None, &[], &[("sim.scenario", "toxic")])).unwrap();
    let names: Vec<&str> = loaded.config.sim.scenarios.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["calm", "competitive", "jumpy", "resolving", "toxic", "trending"]);
    let unknown = problems(load(&options(None, &[], &[("sim.scenario", "stormy")])).unwrap_err());
    assert!(
        unknown[0].contains("calm, competitive, jumpy, resolving, toxic, trending, mixed"),
        "{unknown:?}"
    );
}
