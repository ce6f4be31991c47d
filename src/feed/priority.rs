//! Which changed books reach their markets first. A burst of frames is applied together;
//! the books whose best bid or ask moved (price or size, or the book appeared or went
//! untrusted) are handed over before those changed only deeper down, because a move at
//! the top is what makes a market requote: its order is then signed before the feed turns
//! to the rest of the burst.

use crate::domain::book::{Book, Level};

/// A book's best bid and ask, `None` while it is untrusted.
pub type Top = Option<(Option<Level>, Option<Level>)>;

/// The top of `book`.
pub fn top_of(book: Option<&Book>) -> Top {
    book.map(|b| (b.best_bid(), b.best_ask()))
}

/// The changed tokens of one step, in the order to hand them over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookChanges {
    /// Best bid or ask moved: first.
    pub top: Vec<String>,
    /// Only deeper levels changed: after.
    pub depth: Vec<String>,
}

/// The top of each book as last handed over.
#[derive(Debug, Default)]
pub struct TopWatch {
    last: super::TokenMap<String, Top>,
}

impl TopWatch {
    /// Splits `changed` by whether the top moved since the token was last seen here.
    pub fn split(&mut self, changed: Vec<String>, top: impl Fn(&str) -> Top) -> BookChanges {
        let mut changes = BookChanges::default();
        for token in changed {
            let now = top(&token);
            let moved = match self.last.get_mut(&token) {
                Some(last) if *last == now && now.is_some() => false,
                Some(last) => {
                    *last = now;
                    true
                }
                None => {
                    self.last.insert(token.clone(), now);
                    true
                }
            };
            if moved { changes.top.push(token) } else { changes.depth.push(token) }
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(price: u32, size: u64) -> Option<Level> {
        Some(Level { price, size })
    }

    #[test]
    fn a_move_at_the_top_goes_first_and_a_deeper_change_after() {
        let mut watch = TopWatch::default();
        let tops = |bid: u64| {
            move |token: &str| match token {
                "a" => Some((level(4_800, bid), level(5_200, 10))),
                _ => Some((level(3_000, 5), level(3_100, 5))),
            }
        };
        let first = watch.split(vec!["a".into(), "b".into()], tops(10));
        assert_eq!(first.top, vec!["a", "b"], "first sight counts as a move");
        let second = watch.split(vec!["a".into(), "b".into()], tops(25));
        assert_eq!((second.top, second.depth), (vec!["a".to_owned()], vec!["b".to_owned()]));
        let third = watch.split(vec!["a".into()], tops(25));
        assert_eq!(third.depth, vec!["a"], "same top: only deeper levels changed");
    }

    #[test]
    fn an_untrusted_book_always_goes_first() {
        let mut watch = TopWatch::default();
        let lost = watch.split(vec!["a".into()], |_| None);
        let still_lost = watch.split(vec!["a".into()], |_| None);
        assert_eq!((lost.top.len(), still_lost.top.len()), (1, 1));
    }
}
