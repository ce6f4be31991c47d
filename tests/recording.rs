//! Recordings: what the recorder writes reads back event for event, a new hour starts a
//! file that reads on its own, a crash's broken tail costs only itself (named by file and
//! position), and a recording of the embedded venue replays to the venue's own books.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use polymm::data::{MarketMeta, OwnSource, Recorder, RecorderConfig, Source, recording_files};
use polymm::testkit::frames::{ASSET, book_frame, change_frame};
use rust_decimal_macros::dec;

fn meta() -> MarketMeta {
    MarketMeta {
        condition: "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1".into(),
        yes: ASSET.into(),
        no: "42".into(),
        question: "a test market".into(),
        category: String::new(),
        tick: dec!(0.001),
        min_size: dec!(5),
        neg_risk: false,
        end_ms: None,
        rewards: None,
        payout_yes: None,
    }
}

/// Records a book and `changes` change frames, the last `later` after the rest.
fn record(dir: &Path, changes: u32, later: Duration) {
    let mut recorder = Recorder::start(&RecorderConfig::new(dir)).unwrap();
    recorder.meta(&meta());
    let now = Instant::now();
    recorder.frame(0, now, &book_frame(10));
    for _ in 0..changes {
        recorder.frame(0, now, &change_frame(4));
    }
    recorder.frame(0, now, "{not json");
    recorder.frame(1, now + later, &change_frame(2));
    recorder.close();
}

fn count(source: &mut dyn Source) -> usize {
    std::iter::from_fn(|| source.next_event()).count()
}

#[test]
fn what_is_recorded_reads_back_and_a_new_hour_is_a_file_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    record(dir.path(), 100, Duration::from_secs(3_600));
    let files = recording_files(dir.path()).unwrap();
    assert_eq!(files.len(), 2, "the frame an hour later went to the next hour's file: {files:?}");
    let mut whole = OwnSource::open(dir.path()).unwrap();
    assert_eq!(count(&mut whole), 1 + 100 * 4 + 2, "a book, 400 level changes, then 2 an hour later");
    assert_eq!(whole.problems().malformed, 1, "the frame that is not JSON is counted and skipped");
    assert!(whole.problems().first[0].contains("record"), "{:?}", whole.problems().first);
    let mut second = OwnSource::open(&files[1]).unwrap();
    assert_eq!(count(&mut second), 2, "the later file knows its market from its own header");
    assert_eq!(second.catalog().markets().len(), 1);
}

#[test]
fn a_broken_tail_costs_only_itself_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    record(dir.path(), 2_000, Duration::ZERO);
    let file = recording_files(dir.path()).unwrap().remove(0);
    let mut intact = OwnSource::open(&file).unwrap();
    let all = count(&mut intact);
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() - 7]).unwrap();
    let mut cut = OwnSource::open(&file).unwrap();
    let kept = count(&mut cut);
    assert!(kept < all, "the last frame's records are lost");
    assert_eq!(cut.problems().truncated, 1);
    let why = &cut.problems().first.last().unwrap();
    assert!(why.contains(".pmrec.zst") && why.contains("compressed byte"), "{why}");
    std::fs::write(dir.path().join("polymm-2026-01-01T00.pmrec.zst"), b"garbage, not zstd").unwrap();
    let mut garbage = OwnSource::open(dir.path()).unwrap();
    assert_eq!(count(&mut garbage), kept, "the garbage file yields nothing; the cut one's head still reads");
    assert_eq!(garbage.problems().truncated, 2);
}

#[test]
fn a_recording_of_the_embedded_venue_replays_to_its_books_and_backtests() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rec");
    let polymm = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_polymm")).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let recorded = polymm(&["record", "--all", "--seconds", "8", "--out", out.to_str().unwrap()]);
    assert!(recorded.contains("recorded"), "{recorded}");
    let inspected = polymm(&["data", "inspect", out.to_str().unwrap()]);
    let line = inspected.lines().find(|l| l.starts_with("books:")).unwrap();
    let checked: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(checked > 0, "{inspected}");
    assert!(line.ends_with(", 0 differed"), "the replayed books equal every snapshot: {inspected}");
    assert!(inspected.contains("skipped: 0 records, 0 malformed frames, 0 truncated tails"), "{inspected}");
    let table = polymm(&["backtest", "--data", out.to_str().unwrap(), "--strategy", "polymm"]);
    assert!(table.contains("| polymm |"), "{table}");
}

#[test]
fn a_rest_snapshot_is_replayed_only_where_the_channel_changes_a_book_it_has_not_given() {
    let dir = tempfile::tempdir().unwrap();
    let mut recorder = Recorder::start(&RecorderConfig::new(dir.path())).unwrap();
    recorder.meta(&meta());
    let rest = |asset: &str| {
        format!(
            r#"{{"market":"m","asset_id":"{asset}","timestamp":"1","hash":"","bids":[{{"price":"0.40","size":"1"}}],"asks":[]}}"#
        )
    };
    recorder.snapshot(rest("42").as_bytes());
    recorder.frame(0, Instant::now(), &book_frame(5));
    recorder.frame(0, Instant::now(), &change_frame(2));
    recorder.snapshot(rest(ASSET).as_bytes());
    let no_change = r#"{"event_type":"price_change","market":"m","timestamp":"2","price_changes":[{"asset_id":"42","price":"0.41","size":"3","side":"BUY","hash":""}]}"#;
    recorder.frame(0, Instant::now(), no_change);
    recorder.close();
    let mut source = OwnSource::open(dir.path()).unwrap();
    let books: Vec<_> = std::iter::from_fn(|| source.next_event())
        .filter_map(|e| match e.kind {
            polymm::data::EventKind::Book { outcome, .. } => Some(outcome),
            _ => None,
        })
        .collect();
    assert_eq!(
        books,
        [polymm::domain::Outcome::Yes, polymm::domain::Outcome::No],
        "the YES token's channel book is kept (its later REST snapshot is not replayed); the NO token's REST snapshot is replayed when the channel first changes that book"
    );
}

/// Events a recording folder holds so far (a file being written reads up to its last
/// complete frame).
fn recorded_events(dir: &Path) -> usize {
    OwnSource::open(dir).map(|mut source| count(&mut source)).unwrap_or(0)
}

#[actix_rt::test]
async fn record_stops_cleanly_on_sigterm_and_the_daemon_records_while_it_trades() {
    use common::process::{Running, polymm, wait_for};
    let venue = common::sim::steady(2, 5);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("recorded");
    let record = polymm(
        dir.path(),
        &["record", "--all", "--clob", &venue.base_url, "--out", out.to_str().unwrap()],
        &["telemetry.log_level=error".into()],
        &[],
    );
    let recorder = Running::spawn(record);
    if !wait_for(common::PATIENCE, || recorded_events(&out) > 0).await {
        recorder.fail("polymm record wrote nothing");
    }
    let (status, printed) = recorder.terminate(common::PATIENCE).await;
    assert!(status.success(), "{printed:?}");
    assert!(printed.iter().any(|l| l.starts_with("recorded ")), "{printed:?}");
    let file = recording_files(&out).unwrap().pop().unwrap();
    let mut reader = polymm::data::RecordReader::open(&file).unwrap();
    let (mut payload, mut problems, mut last) = (Vec::new(), polymm::data::Problems::default(), None);
    while let Some(head) = reader.next_record(&mut payload, &mut problems) {
        last = Some((head.kind, payload.clone()));
    }
    let (kind, payload) = last.unwrap();
    assert_eq!(kind, polymm::data::format::RecordKind::Marker);
    assert!(String::from_utf8_lossy(&payload).contains("stop"), "the last record marks a clean stop");
    assert!(problems.is_clean());

    let daemon_dir = dir.path().join("daemon");
    std::fs::create_dir_all(&daemon_dir).unwrap();
    let mut sets = common::process::venue_sets(&venue);
    sets.extend([
        "telemetry.record=true".to_owned(),
        format!("telemetry.state_dir={}", daemon_dir.display()),
        "control.port=0".into(),
        "telemetry.log_level=error".into(),
        format!("markets.include={}", common::sim::market(&venue, 0).0),
    ]);
    let key = venue.test_accounts[0].key.export_secret();
    let run = polymm(dir.path(), &["run", "--mode", "paper"], &sets, &[("POLY_PRIVATE_KEY", key.expose())]);
    let daemon = Running::spawn(run);
    let recordings = daemon_dir.join("recordings");
    if !wait_for(common::PATIENCE, || recorded_events(&recordings) > 0).await {
        daemon.fail("the daemon recorded nothing");
    }
    let (status, printed) = daemon.terminate(common::PATIENCE).await;
    assert!(status.success(), "{printed:?}");
    let mut source = OwnSource::open(&recordings).unwrap();
    assert!(count(&mut source) > 0);
    assert!(!source.catalog().markets().is_empty(), "the daemon's markets head the file");
    venue.stop().await;
}
