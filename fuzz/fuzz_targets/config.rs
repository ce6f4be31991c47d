//! The configuration loader on untrusted text: each input line is a `--set KEY=VALUE`
//! (lines starting with `$` are environment variables `NAME=VALUE`); loading must answer
//! with a configuration or a list of problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polymm::config::{EnvSnapshot, LoadOptions, load};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut overrides = Vec::new();
    let mut env = Vec::new();
    for line in text.lines().take(32) {
        let (target, line) = match line.strip_prefix('$') {
            Some(rest) => (&mut env, rest),
            None => (&mut overrides, line),
        };
        if let Some((key, value)) = line.split_once('=') {
            target.push((key.to_owned(), value.to_owned()));
        }
    }
    let env = EnvSnapshot::from_pairs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let _ = load(&LoadOptions { config_path: None, env, overrides });
});
