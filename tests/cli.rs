//! The `polymm` binary on the shared vectors: `order sign` from flags alone, `auth l1|l2`,
//! `config check` reporting every problem, and clear one-line failures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Output};

use common::{decimal, load, order_vectors, spec, text};
use polymm::domain::Side;
use polymm::polymarket::Quantity;
use serde_json::Value;

fn polymm(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_polymm"));
    command.current_dir(dir.path()).args(args).env_clear();
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn stdout_json(output: &Output) -> Value {
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The flags `polymm order sign` needs for an order vector (off-grid inputs rounded first).
fn sign_flags(vector: &Value) -> Vec<String> {
    let inputs = &vector["inputs"];
    let spec = spec(vector, common::off_grid(vector)).unwrap();
    let mut flags: Vec<String> = vec![
        "order".into(),
        "sign".into(),
        format!("--token-id={}", text(inputs, "token_id")),
        format!("--side={}", text(inputs, "side")),
        format!("--price={}", spec.price),
        format!("--tick-size={}", text(inputs, "tick_size")),
        format!("--exchange-version={}", inputs["exchange_version"]),
        format!("--chain-id={}", inputs["chain_id"]),
        format!("--signature-type={}", inputs["signature_type"]),
        format!("--order-type={}", text(inputs, "order_type")),
        format!("--expiration={}", inputs["expiration"]),
        format!("--salt={}", inputs["salt"]),
        format!("--timestamp-ms={}", inputs["timestamp_ms"]),
        format!("--builder-code={}", text(inputs, "builder_code")),
        format!("--metadata={}", text(inputs, "metadata")),
        format!("--l2-timestamp={}", inputs["l2_timestamp"]),
    ];
    match spec.quantity {
        Quantity::Shares(size) => flags.push(format!("--size={size}")),
        Quantity::Amount(_) => {
            flags.push(format!("--amount={}", decimal(&inputs["amount"])));
            if let (Some(balance), Some(fees)) =
                (inputs.get("user_usdc_balance"), inputs.get("market_fee_details_fd"))
            {
                assert_eq!(spec.side, Side::Buy);
                flags.push(format!("--balance={}", decimal(balance)));
                flags.push(format!("--fee-rate={}", decimal(&fees["r"])));
                flags.push(format!("--fee-exponent={}", fees["e"]));
            }
        }
    }
    if inputs["signature_type"] != 0 {
        flags.push(format!("--funder={}", text(inputs, "funder")));
    }
    for switch in ["neg_risk", "post_only", "defer_exec"] {
        if inputs[switch] == true {
            flags.push(format!("--{}", switch.replace('_', "-")));
        }
    }
    flags
}

fn order_env(meta: &Value) -> Vec<(String, String)> {
    let creds = &meta["api_creds"];
    vec![
        ("POLY_PRIVATE_KEY".into(), text(meta, "private_key").into()),
        ("POLY_API_KEY".into(), text(creds, "api_key").into()),
        ("POLY_API_SECRET".into(), text(creds, "secret").into()),
        ("POLY_PASSPHRASE".into(), text(creds, "passphrase").into()),
    ]
}

#[test]
fn order_sign_reproduces_every_order_vector_from_flags() {
    let meta = load("orders_v2.json")["meta"].clone();
    let env = order_env(&meta);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    for vector in order_vectors() {
        let id = text(&vector, "id");
        let flags = sign_flags(&vector);
        let args: Vec<&str> = flags.iter().map(String::as_str).collect();
        let out = stdout_json(&polymm(&args, &env));
        assert_eq!(out["digest"], vector["eip712"]["digest"], "{id}");
        assert_eq!(out["signature"], vector["signature"], "{id}");
        assert_eq!(out["maker_amount"], vector["computed"]["maker_amount"], "{id}");
        assert_eq!(out["taker_amount"], vector["computed"]["taker_amount"], "{id}");
        assert_eq!(out["body"], vector["request"]["body"], "{id}");
        assert_eq!(out["headers"], vector["request"]["headers"], "{id}");
    }
}

#[test]
fn auth_commands_reproduce_l1_and_l2_vectors() {
    let file = load("auth.json");
    let key = text(&file["meta"], "private_key");
    for vector in file["l1_auth"].as_array().unwrap() {
        let inputs = &vector["inputs"];
        let (ts, nonce, chain) =
            (inputs["timestamp"].to_string(), inputs["nonce"].to_string(), inputs["chain_id"].to_string());
        let args = ["auth", "l1", "--timestamp", &ts, "--nonce", &nonce, "--chain-id", &chain];
        let out = stdout_json(&polymm(&args, &[("POLY_PRIVATE_KEY", key)]));
        assert_eq!(out["headers"], vector["expected"]["headers"], "{}", text(vector, "id"));
    }
    for vector in file["l2_hmac"].as_array().unwrap() {
        let inputs = &vector["inputs"];
        if text(inputs, "request_path").contains('?') {
            continue;
        }
        let ts = inputs["timestamp"].to_string();
        let mut args = vec![
            "auth",
            "l2",
            "--timestamp",
            &ts,
            "--method",
            text(inputs, "method"),
            "--path",
            text(inputs, "url_path_and_query"),
        ];
        if let Some(body) = inputs["body"].as_str() {
            args.extend(["--body", body]);
        }
        let env = [
            ("POLY_PRIVATE_KEY", key),
            ("POLY_API_KEY", text(inputs, "api_key")),
            ("POLY_API_SECRET", text(inputs, "secret")),
            ("POLY_PASSPHRASE", text(inputs, "passphrase")),
        ];
        let out = stdout_json(&polymm(&args, &env));
        assert_eq!(out["headers"], vector["expected"]["headers"], "{}", text(vector, "id"));
    }
}

#[test]
fn missing_key_and_malformed_flags_fail_with_one_clear_line() {
    let base = [
        "order",
        "sign",
        "--token-id",
        "1",
        "--side",
        "BUY",
        "--price",
        "0.5",
        "--size",
        "10",
        "--tick-size",
        "0.01",
    ];
    let missing = polymm(&base, &[]);
    assert!(!missing.status.success());
    assert!(missing.stdout.is_empty(), "no partial output");
    assert_eq!(String::from_utf8_lossy(&missing.stderr).trim(), "polymm: error: POLY_PRIVATE_KEY is not set");
    let key = [("POLY_PRIVATE_KEY", "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")];
    let mut off_grid = base.to_vec();
    off_grid[7] = "0.505";
    let out = polymm(&off_grid, &key);
    assert!(!out.status.success() && out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not on the 0.01 tick grid"));
    let mut bad_side = base.to_vec();
    bad_side[5] = "HOLD";
    let out = polymm(&bad_side, &key);
    assert!(!out.status.success() && out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.lines().next().unwrap().contains("invalid value 'HOLD' for '--side <SIDE>'"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn config_check_lists_all_five_problems_with_their_origins() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "mode = \"simulated\"\n[quoting]\nspread = \"wide\"\n[risk]\nkelly_fraction = \"1.5\"\n",
    )
    .unwrap();
    let config = path.to_str().unwrap();
    let out = polymm(
        &["--config", config, "config", "check"],
        &[("MM_SIZE", "ten"), ("RISK_MAX_DAILY_LOSS", "-5")],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problems: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("polymm: error")).collect();
    assert_eq!(problems.len(), 5, "{stderr}");
    for needle in ["mode:", "quoting.spread:", "risk.kelly_fraction:"] {
        assert!(
            problems.iter().any(|p| p.starts_with(needle) && p.contains(&format!("{config} key"))),
            "{needle}: {stderr}"
        );
    }
    assert!(problems.iter().any(|p| p.starts_with("quoting.size:") && p.contains("MM_SIZE (environment)")));
    assert!(
        problems.iter().any(|p| p.starts_with("risk.max_daily_loss:") && p.contains("RISK_MAX_DAILY_LOSS"))
    );
    let ok = polymm(&["config", "check"], &[]);
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("configuration is valid (mode sim)"));
}

#[test]
fn config_show_redacts_secrets_and_names_origins() {
    let key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    let out = polymm(&["config", "show", "--json", "--set", "quoting.size=7"], &[("POLY_PRIVATE_KEY", key)]);
    let values = stdout_json(&out);
    let find = |key: &str| values.as_array().unwrap().iter().find(|v| v["key"] == key).unwrap().clone();
    assert_eq!(find("credentials.private_key")["value"], "[redacted]");
    assert_eq!(find("quoting.size")["value"], "7");
    assert_eq!(find("quoting.size")["origin"], "command line --set quoting.size=…");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ac0974bec"));
}

#[test]
fn sim_refuses_a_bad_fault_spec_and_an_unknown_scenario_in_one_line() {
    let out = polymm(&["sim", "--port", "0", "--faults", "latency=9-1"], &[]);
    assert!(!out.status.success() && out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sim.faults") && stderr.contains("latency"), "{stderr}");
    let out = polymm(&["sim", "--port", "0", "--scenario", "stormy"], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("stormy"));
}

#[test]
fn markets_and_book_work_against_an_embedded_sim() {
    let out = polymm(&["markets", "--all", "--set", "sim.markets=3"], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().next().unwrap().starts_with("market"), "{stdout}");
    assert!(stdout.contains("sim-") && stdout.contains("3 of 3 markets shown"), "{stdout}");

    let out = polymm(&["book", "--seconds", "2", "--set", "sim.markets=2"], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().any(|l| l.starts_with("bids ")), "{stdout}");
    assert!(stdout.lines().last().unwrap().starts_with("frames "), "{stdout}");
}

#[test]
fn run_trades_the_embedded_venue_and_ctrl_c_cancels_everything() {
    use std::io::{BufRead as _, BufReader};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_polymm"))
        .args(["run", "--no-dotenv", "--set", "sim.markets=3", "--set", "telemetry.status_interval_secs=1"])
        .args(["--set", "telemetry.log_level=error", "--set", "control.port=0"])
        .env_clear()
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let quoting =
        lines.by_ref().take(20).map(|l| l.unwrap()).find(|l| l.starts_with("status: 3/3 markets quoting"));
    assert!(quoting.is_some(), "the daemon quoted every market");
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    assert!(child.wait().unwrap().success());
    let bye = rest.iter().find(|l| l.contains("orders cancelled")).unwrap();
    assert!(!bye.starts_with("polymm: 0 orders"), "{rest:?}");

    let unreachable =
        ["--set", "venue.clob_url=http://127.0.0.1:9", "--set", "venue.gamma_url=http://127.0.0.1:9"];
    let out = polymm(&[&["run", "--mode", "paper"][..], &unreachable[..]].concat(), &[]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("mode paper"),
        "paper mode starts without credentials"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("polymm: error: venue: transport"), "{stderr}");
    assert_eq!(stderr.matches("Connection refused").count(), 1, "the cause is told once: {stderr}");
}
