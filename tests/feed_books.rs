//! The feed's decoder and local books against the embedded venue's own channel messages:
//! minutes of synthetic flow, every frame decoded and applied, and at every step each local
//! book equals the venue's book for that token, with no gap ever detected; the venue's
//! hashes, checked after every message, agree with every book, and a level changed behind
//! the stream's back is caught by the next hash.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;

use polymm::domain::{Level, parse_micros, parse_pips};
use polymm::domain::{Outcome, Side};
use polymm::feed::{Applied, BookSet};
use polymm::feed::{HashWatch, Recipe};
use polymm::feed::{MarketEvent, decode_market};
use polymm::sim::lots_decimal;
use polymm::sim::{Outgoing, batch_messages, current_book};
use polymm::sim::{ScenarioCatalog, ScenarioParams};
use polymm::sim::{SimOptions, SimWorld};

fn catalog() -> ScenarioCatalog {
    let busy = ScenarioParams {
        noise_rate: 6.0,
        rival_makers: 3,
        rival_penny: 0.5,
        rival_refresh_secs: 1.0,
        ..ScenarioParams::calm()
    };
    let jumpy = ScenarioParams {
        jump_rate_per_hour: 60.0,
        jump_size: 1.0,
        informed_rate: 3.0,
        informed_size: 40.0,
        ..busy.clone()
    };
    ScenarioCatalog::new(vec![("busy".into(), busy), ("jumpy".into(), jumpy)])
}

/// The market-channel messages of the venue's events since the last call.
fn market_messages(world: &mut SimWorld, now: u64) -> Vec<Outgoing> {
    let events = world.venue.drain_events();
    batch_messages(&world.venue, &events, now).into_iter().filter(|m| m.account.is_none()).collect()
}

fn venue_levels(world: &SimWorld, market: u32, outcome: Outcome, side: Side) -> Vec<Level> {
    world
        .venue
        .market(market)
        .unwrap()
        .view()
        .token_levels(outcome, side)
        .into_iter()
        .map(|(p, l)| Level { price: p, size: parse_micros(&lots_decimal(l).to_string()).unwrap() })
        .collect()
}

#[test]
fn local_books_track_the_venue_frame_by_frame() {
    let options = SimOptions { scenario: "mixed".into(), markets: 4, seed: 5, ..SimOptions::default() };
    let mut world = SimWorld::build(&options, &catalog(), 0).unwrap();
    let mut books = BookSet::new();
    let mut hashes = HashWatch::default();
    let mut tokens = Vec::new();
    for market in 0..4u32 {
        for outcome in [Outcome::Yes, Outcome::No] {
            let state = world.venue.market(market).unwrap();
            let id = state.spec.token(outcome).to_string();
            books.track(&id);
            let mut snapshot = current_book(state, outcome, 0);
            snapshot["event_type"] = "book".into();
            let text = snapshot.to_string();
            decode_market(&text, |e| {
                hashes.on_event(&e);
                assert_eq!(books.apply(&e), Applied::Updated);
            })
            .unwrap();
            tokens.push((market, outcome, id));
        }
    }
    world.venue.drain_events();
    let (mut frames, mut levels) = (0, 0);
    for step in 1..=1_500u64 {
        let now = step * 100;
        world.step(now);
        for message in market_messages(&mut world, now) {
            let mut tops: HashMap<String, (Option<u32>, Option<u32>)> = HashMap::new();
            decode_market(&message.text, |e| {
                hashes.on_event(&e);
                if let MarketEvent::Level(change) = &e {
                    tops.insert(change.asset_id.to_owned(), (change.best_bid, change.best_ask));
                    levels += 1;
                }
                assert_ne!(
                    std::mem::discriminant(&books.apply(&e)),
                    std::mem::discriminant(&Applied::Gap(polymm::feed::Gap::NoSnapshot))
                );
            })
            .unwrap();
            for (asset, (bid, ask)) in tops {
                assert_eq!(books.verify_top(&asset, bid, ask), Applied::Updated, "step {step}");
            }
            assert_eq!(hashes.check(usize::MAX, |t| books.book(t)), Vec::<String>::new(), "step {step}");
            frames += 1;
        }
        if step % 100 == 0 {
            for (market, outcome, id) in &tokens {
                let book = books.book(id).unwrap();
                for side in [Side::Buy, Side::Sell] {
                    assert_eq!(
                        book.depth(side).collect::<Vec<_>>(),
                        venue_levels(&world, *market, *outcome, side),
                        "step {step}"
                    );
                }
            }
        }
    }
    assert!(frames > 2_000 && levels > 5_000, "{frames} frames, {levels} level changes");
    assert_eq!(hashes.recipe(), Recipe::Proven, "the venue's snapshot hashes are reproduced");
    let checked = hashes.stats();
    assert!(checked.checks > 1_000 && checked.mismatches == 0, "{checked:?}");
    let lost = lost_level_is_caught_by_the_next_hash(&mut world, &mut books, &mut hashes, &tokens);
    assert!(lost, "a book missing one change disagrees with the venue's next hash");
    assert_eq!(parse_pips("0.5"), Some(5_000));
}

/// Applies the next batch of messages to every book but one change of one token, then
/// checks the hashes: that token's book must be found wrong.
fn lost_level_is_caught_by_the_next_hash(
    world: &mut SimWorld,
    books: &mut BookSet,
    hashes: &mut HashWatch,
    tokens: &[(u32, Outcome, String)],
) -> bool {
    let mut skipped: Option<String> = None;
    for step in 1_501..=3_000u64 {
        let now = step * 100;
        world.step(now);
        for message in market_messages(world, now) {
            decode_market(&message.text, |e| {
                if skipped.is_none()
                    && let MarketEvent::Level(change) = &e
                    && change.hash.is_empty()
                    && tokens.iter().any(|(_, _, id)| id == change.asset_id)
                {
                    skipped = Some(change.asset_id.to_owned());
                    return;
                }
                hashes.on_event(&e);
                books.apply(&e);
            })
            .unwrap();
        }
        let wrong = hashes.check(usize::MAX, |t| books.book(t));
        if let Some(token) = &skipped
            && wrong.contains(token)
        {
            return true;
        }
        // A later change to the same level can heal the loss before any hash is due: then
        // the book is right again, and another change is skipped.
        if let Some(token) = &skipped
            && let Some((market, outcome, _)) = tokens.iter().find(|(_, _, id)| id == token)
            && let Some(book) = books.book(token)
            && [Side::Buy, Side::Sell].into_iter().all(|side| {
                book.depth(side).collect::<Vec<_>>() == venue_levels(world, *market, *outcome, side)
            })
        {
            skipped = None;
        }
    }
    false
}
