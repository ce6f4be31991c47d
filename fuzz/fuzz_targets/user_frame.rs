//! User-channel frames: decoding order and trade events for our API key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polymm::feed::user::decode_user;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = decode_user(&text, "00000000-0000-0000-0000-000000000000");
});
