//! Counting a page's words for the search index: each worker's postings, and the small table a
//! document's words are counted in first, keyed by the words' bytes as integers.

use rustc_hash::FxHashMap;

use super::text::for_each_word;
use super::{MAX_WEIGHT, TITLE_WEIGHT};

/// The postings of the documents one worker reads: term -> (doc id, weight), by doc id. A term
/// of at most 16 bytes (nearly every word) is kept as a [`ShortWord`], which is hashed and compared
/// without reading a string elsewhere in memory; on the 10,000-page corpus that halves the cost
/// of counting words.
#[derive(Default)]
pub(super) struct Postings {
    short: FxHashMap<ShortWord, Vec<(u32, u32)>>,
    long: FxHashMap<String, Vec<(u32, u32)>>,
    /// The counts of the document being read (kept between documents for their room).
    doc_short: WordCounts,
    doc_long: FxHashMap<String, u32>,
}

impl Postings {
    /// Adds the words of document `id` (a title and a text), with their weights as in
    /// [`weighted_terms`].
    pub(super) fn add_words(&mut self, id: u32, title: &str, text: &str) {
        // The document's words are counted first in a table of its own, small enough to stay
        // in the cache, and each term then goes once into the worker's postings.
        let (short, long) = (&mut self.doc_short, &mut self.doc_long);
        let mut count = |w: &str, by: u32| {
            if w.len() <= ShortWord::BYTES {
                short.add(ShortWord::of(w.as_bytes()), by);
            } else if let Some(c) = long.get_mut(w) {
                *c += by;
            } else {
                long.insert(w.to_string(), by);
            }
        };
        for_each_word(title, |w| count(w, TITLE_WEIGHT));
        for_each_word(text, |w| count(w, 1));
        let postings = &mut self.short;
        self.doc_short.drain(|w, c| postings.entry(w).or_default().push((id, c.min(MAX_WEIGHT))));
        for (w, c) in self.doc_long.drain() {
            self.long.entry(w).or_default().push((id, c.min(MAX_WEIGHT)));
        }
    }

    /// The postings of both workers (each list sorted again in [`Postings::into_terms`]).
    pub(super) fn merge(self, other: Postings) -> Postings {
        fn merge_map<K: std::hash::Hash + Eq>(
            a: FxHashMap<K, Vec<(u32, u32)>>,
            b: FxHashMap<K, Vec<(u32, u32)>>,
        ) -> FxHashMap<K, Vec<(u32, u32)>> {
            let (mut into, from) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (term, list) in from {
                into.entry(term).or_default().extend(list);
            }
            into
        }
        Postings {
            short: merge_map(self.short, other.short),
            long: merge_map(self.long, other.long),
            ..Postings::default()
        }
    }

    /// Every term with its postings, the terms in no particular order.
    pub(super) fn into_terms(self) -> Vec<(String, Vec<(u32, u32)>)> {
        self.short.into_iter().map(|(w, list)| (w.text(), list)).chain(self.long).collect()
    }
}

/// The counts of one document's short words: an open-addressing table (linear probing, at most
/// half full) that remembers its used slots, so that emptying it costs what it holds. On the
/// corpus it counts words about twice as fast as a general hash map.
#[derive(Default)]
struct WordCounts {
    slots: Vec<(ShortWord, u32)>,
    used: Vec<u32>,
    /// log2 of the number of slots.
    bits: u32,
}

impl WordCounts {
    /// No word is empty, so no word is this.
    const EMPTY: ShortWord = ShortWord(0, 0);

    fn add(&mut self, w: ShortWord, by: u32) {
        if self.used.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot_of(w);
        loop {
            let slot = &mut self.slots[i];
            if slot.0 == w {
                slot.1 += by;
                return;
            }
            if slot.0 == Self::EMPTY {
                *slot = (w, by);
                self.used.push(i as u32);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn slot_of(&self, w: ShortWord) -> usize {
        let mixed = (w.0 ^ w.1.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> (64 - self.bits)) as usize
    }

    fn grow(&mut self) {
        let held: Vec<(ShortWord, u32)> =
            self.used.iter().map(|&i| self.slots[i as usize]).collect();
        self.bits = (self.bits + 1).max(8);
        self.slots = vec![(Self::EMPTY, 0); 1 << self.bits];
        self.used.clear();
        for (w, c) in held {
            self.add(w, c);
        }
    }

    /// Passes every word and its count to `f` and empties the table.
    fn drain(&mut self, mut f: impl FnMut(ShortWord, u32)) {
        for &i in &self.used {
            let slot = std::mem::replace(&mut self.slots[i as usize], (Self::EMPTY, 0));
            f(slot.0, slot.1);
        }
        self.used.clear();
    }
}

/// A word of at most [`ShortWord::BYTES`] bytes as two integers: its bytes little-endian, zeros
/// after its end (a word holds no zero byte, so no two words are the same integers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ShortWord(u64, u64);

impl ShortWord {
    const BYTES: usize = 16;

    /// `w` has at most [`ShortWord::BYTES`] bytes.
    fn of(w: &[u8]) -> ShortWord {
        debug_assert!(w.len() <= ShortWord::BYTES);
        match w.split_at_checked(8) {
            Some((first, rest)) => ShortWord(load_le(first), load_le(rest)),
            None => ShortWord(load_le(w), 0),
        }
    }

    fn text(self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.0.to_le_bytes());
        bytes[8..].copy_from_slice(&self.1.to_le_bytes());
        let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        String::from_utf8_lossy(&bytes[..len]).into_owned()
    }
}

/// Up to 8 bytes as a little-endian integer, zeros above them, read in at most three loads
/// whatever their number (overlapping loads OR the same bytes into the same places).
fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    let at = |i: usize, shift: usize| u64::from(b[i]) << (8 * shift);
    let four = |i: usize| {
        let mut word = [0u8; 4];
        word.copy_from_slice(&b[i..i + 4]);
        u64::from(u32::from_le_bytes(word))
    };
    match n {
        0 => 0,
        1..=3 => at(0, 0) | at(n / 2, n / 2) | at(n - 1, n - 1),
        4..=7 => four(0) | four(n - 4) << (8 * (n - 4)),
        _ => {
            let mut word = [0u8; 8];
            word.copy_from_slice(&b[..8]);
            u64::from_le_bytes(word)
        }
    }
}

/// Every word of a title and a text with its weight: occurrences in the text, plus
/// [`TITLE_WEIGHT`] for each in the title.
pub(super) fn weighted_terms(title: &str, text: &str) -> Vec<(String, u32)> {
    let mut counts: FxHashMap<String, u32> = FxHashMap::default();
    let mut count = |w: &str, by: u32| match counts.get_mut(w) {
        Some(c) => *c += by,
        None => {
            counts.insert(w.to_string(), by);
        }
    };
    for_each_word(title, |w| count(w, TITLE_WEIGHT));
    for_each_word(text, |w| count(w, 1));
    counts.into_iter().map(|(w, c)| (w, c.min(MAX_WEIGHT))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn short_words_are_their_bytes_and_nothing_else() {
        let words = [
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "єднання",
            "з'єдна",
            "aasc",
        ];
        for w in words {
            assert_eq!(ShortWord::of(w.as_bytes()).text(), w);
        }
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                assert_ne!(ShortWord::of(a.as_bytes()), ShortWord::of(b.as_bytes()), "{a} {b}");
            }
        }
    }
}
