//! What the search index reads of a page: the plain text of its rendered HTML, and the words of
//! a text as the index holds them (search.js splits a query the same way).

use super::MAX_WORD_CHARS;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// The words of `text` as the index holds them: lowercased runs of letters and digits, an
/// apostrophe between two of them kept (as `'`), and then also each part of such a word.
/// search.js splits a query the same way.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_string()));
    out
}

/// Calls `f` with each word of `text` ([`words`]), without allocating one string per word. The
/// text is read 64 bytes at a time into bit masks (which bytes are ASCII letters or digits, which
/// are uppercase, which need [`word_at`]: an apostrophe or a byte beyond ASCII), so that a word of
/// ASCII letters and digits, most words of most sites, costs a few bit operations and is passed
/// as a slice of `text` (lowercased into a buffer only when it has a capital).
pub(super) fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut word = String::new();
    let mut pos = 0;
    // The start of a word of ASCII letters and digits that runs on past the block before.
    let mut open: Option<usize> = None;
    let mut upper_in_open = false;
    'blocks: while pos < bytes.len() {
        let masks = BlockMasks::at(bytes, pos);
        let mut bit = 0u32;
        loop {
            if let Some(start) = open {
                let run = (!(masks.alnum >> bit)).trailing_zeros();
                upper_in_open |= masks.upper >> bit & low_bits(run) != 0;
                bit += run;
                if bit >= 64 {
                    break;
                }
                open = None;
                let end = pos + bit as usize;
                if masks.other >> bit & 1 == 1 {
                    // An apostrophe or a letter beyond ASCII goes on: the word is read again
                    // letter by letter.
                    pos = word_at(text, start, &mut word, &mut f);
                    continue 'blocks;
                }
                ascii_word(&text[start..end], upper_in_open, &mut word, &mut f);
            }
            let starts = (masks.alnum | masks.other) >> bit;
            if starts == 0 {
                break;
            }
            bit += starts.trailing_zeros();
            if masks.other >> bit & 1 == 1 {
                pos = word_at(text, pos + bit as usize, &mut word, &mut f);
                continue 'blocks;
            }
            open = Some(pos + bit as usize);
            upper_in_open = false;
        }
        pos += 64;
    }
    if let Some(start) = open {
        ascii_word(&text[start..], upper_in_open, &mut word, &mut f);
    }
}

/// Passes a word of ASCII letters and digits to `f` unless it is too long: as it is, or
/// lowercased in `buffer` when it has a capital.
fn ascii_word(w: &str, has_capital: bool, buffer: &mut String, f: &mut impl FnMut(&str)) {
    if w.len() > MAX_WORD_CHARS {
        return;
    }
    if has_capital {
        buffer.clear();
        buffer.push_str(w);
        buffer.make_ascii_lowercase();
        f(buffer);
    } else {
        f(w);
    }
}

/// The `n` lowest bits set (`n` at most 64).
fn low_bits(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// Bit `k` of each mask says what byte `pos + k` of a text is (a byte past the end counts as a
/// space).
struct BlockMasks {
    /// An ASCII letter or digit.
    alnum: u64,
    /// An ASCII capital.
    upper: u64,
    /// An apostrophe or a byte beyond ASCII: [`word_at`] decides.
    other: u64,
}

impl BlockMasks {
    fn at(bytes: &[u8], pos: usize) -> BlockMasks {
        let rest = &bytes[pos..];
        let mut padded = [b' '; 64];
        // The text itself while 64 bytes are left, a copy padded with spaces at its end.
        let block = match rest.get(..64) {
            Some(block) => block,
            None => {
                padded[..rest.len()].copy_from_slice(rest);
                &padded[..]
            }
        };
        let mut masks = BlockMasks { alnum: 0, upper: 0, other: 0 };
        for (i, eight) in block.chunks_exact(8).enumerate() {
            let mut word = [0u8; 8];
            word.copy_from_slice(eight);
            let x = u64::from_le_bytes(word);
            let (alnum, upper, other) = classify_eight(x);
            masks.alnum |= u64::from(alnum) << (8 * i);
            masks.upper |= u64::from(upper) << (8 * i);
            masks.other |= u64::from(other) << (8 * i);
        }
        masks
    }
}

/// For 8 bytes (little-endian in `x`): one bit per byte for an ASCII letter or digit, for an
/// ASCII capital, and for an apostrophe or a byte beyond ASCII.
fn classify_eight(x: u64) -> (u8, u8, u8) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let high = x & HIGH;
    let low = x & !HIGH;
    // The high bit of each byte of `low` (at most 0x7f) that lies in `lo..=hi`: adding
    // `0x80 - lo` sets it from `lo` up, adding `0x7f - hi` sets it above `hi`, never carrying.
    let within = |lo: u64, hi: u64| (low + (0x80 - lo) * ONES) & !(low + (0x7f - hi) * ONES) & HIGH;
    // A letter either way once bit 5 (lowercase) is set; a capital is a letter without it.
    let folded = low | 0x2020_2020_2020_2020;
    let letter = (folded + (0x80 - 0x61) * ONES) & !(folded + (0x7f - 0x7a) * ONES) & HIGH;
    let upper = letter & !(low << 2);
    let alnum = (within(0x30, 0x39) | letter) & !high;
    let upper = upper & !high;
    let other = high | (within(0x27, 0x27) & !high);
    (gather(alnum), gather(upper), gather(other))
}

/// The high bit of each byte of `m` as the 8 bits of a byte (byte `k` to bit `k`).
fn gather(m: u64) -> u8 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Reads the word that starts at byte `start` of `text` letter by letter (lowercasing any
/// letter, keeping an apostrophe between two letters as `'`), passes it to `f` with its parts
/// (`o'hanlon` is found by `hanlon` too, `з'єднання` by `єднання`), and returns where it ends.
/// A character that starts no word is skipped.
fn word_at(text: &str, start: usize, word: &mut String, f: &mut impl FnMut(&str)) -> usize {
    word.clear();
    let mut chars = text[start..].char_indices().peekable();
    let mut end = text.len();
    while let Some((at, c)) = chars.next() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if is_apostrophe(c)
            && !word.is_empty()
            && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric())
        {
            word.push('\'');
        } else {
            // The first character that is not part of the word; one that starts no word is
            // passed over.
            end = start + if word.is_empty() { at + c.len_utf8() } else { at };
            break;
        }
    }
    // Bytes first: only a word of more bytes than the limit in characters is counted.
    if !word.is_empty() && (word.len() <= MAX_WORD_CHARS || word.chars().count() <= MAX_WORD_CHARS)
    {
        if word.contains('\'') {
            word.split('\'').filter(|p| p.chars().count() > 1).for_each(&mut *f);
        }
        f(word);
    }
    end
}

/// The text a reader sees in rendered HTML: tags dropped (a block's end as a space), `script`
/// and `style` contents dropped, entities decoded, whitespace collapsed, `¶` and `↩` links left
/// out.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(at) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        push_text(&mut out, &rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('&') {
            let head = &rest.as_bytes()[..rest.len().min(12)];
            let end = head.iter().position(|&b| b == b';');
            match end.and_then(|e| decode_entity(&rest[1..e]).map(|c| (c, e))) {
                Some((c, e)) => {
                    push_text(&mut out, c.encode_utf8(&mut [0; 4]));
                    rest = &rest[e + 1..];
                }
                None => {
                    push_text(&mut out, "&");
                    rest = &rest[1..];
                }
            }
            continue;
        }
        let Some(gt) = memchr::memchr(b'>', rest.as_bytes()) else { break };
        let tag = &rest[1..gt];
        let closing = tag.starts_with('/');
        let tag = tag.trim_start_matches('/');
        let name = &tag[..tag.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(tag.len())];
        rest = &rest[gt + 1..];
        let lowered = lowercase_tag(name);
        let lowered = lowered.as_ref().map_or(&[][..], |(buf, len)| &buf[..*len]);
        let skipped = match lowered {
            b"script" => Some("script"),
            b"style" => Some("style"),
            _ => None,
        };
        if let (Some(skipped), false) = (skipped, closing) {
            // To the closing tag (`</script`, any case), which the next turn reads.
            let close = format!("</{skipped}");
            let found = rest
                .as_bytes()
                .windows(close.len())
                .position(|w| w.eq_ignore_ascii_case(close.as_bytes()));
            rest = found.map_or("", |i| &rest[i..]);
            continue;
        }
        if !is_inline_tag(lowered) {
            push_text(&mut out, " ");
        }
    }
    if !rest.starts_with('<') {
        push_text(&mut out, rest);
    }
    out.truncate(out.trim_end().len());
    out
}

/// A tag name of at most 8 letters lowercased (no element that matters here is longer).
fn lowercase_tag(name: &str) -> Option<([u8; 8], usize)> {
    let mut buf = [0u8; 8];
    buf.get_mut(..name.len())?.copy_from_slice(name.as_bytes());
    buf.make_ascii_lowercase();
    Some((buf, name.len()))
}

/// Tags that do not separate words (`sup` does: a footnote's number is not part of a word), by
/// their lowercased name.
fn is_inline_tag(name: &[u8]) -> bool {
    matches!(
        name,
        b"a" | b"abbr"
            | b"b"
            | b"bdi"
            | b"bdo"
            | b"cite"
            | b"code"
            | b"data"
            | b"del"
            | b"dfn"
            | b"em"
            | b"i"
            | b"ins"
            | b"kbd"
            | b"mark"
            | b"q"
            | b"s"
            | b"samp"
            | b"small"
            | b"span"
            | b"strong"
            | b"sub"
            | b"time"
            | b"u"
            | b"var"
    )
}

/// Appends `text` with every run of whitespace (and any other control character) as one space,
/// none at the start of `out`, and without the `¶` and `↩` of permalinks and footnote back-links.
/// So the text holds no control character, and [`push_json_text`] needs to escape only `"` and
/// `\`. Runs of printable ASCII and single spaces are copied as they are, in one piece.
fn push_text(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut after_space = out.is_empty() || out.ends_with(' ');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(eight) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(eight);
            if let Some(ends_with_space) = plain_eight(u64::from_le_bytes(word), after_space) {
                after_space = ends_with_space;
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        // Printable ASCII, or a space after something else: kept as it is.
        let space = b == b' ';
        if (b > b' ' && b < 0x7f) | (space & !after_space) {
            after_space = space;
            i += 1;
            continue;
        }
        if b < 0x80 {
            // Whitespace after whitespace, a tab or a line break, or a control character.
            out.push_str(&text[start..i]);
            if !after_space {
                out.push(' ');
                after_space = true;
            }
            i += 1;
            start = i;
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        let next = i + c.len_utf8();
        if c.is_whitespace() || c.is_control() || c == '¶' || c == '↩' {
            out.push_str(&text[start..i]);
            if (c.is_whitespace() || c.is_control()) && !after_space {
                out.push(' ');
                after_space = true;
            }
            start = next;
        } else {
            after_space = false;
        }
        i = next;
    }
    out.push_str(&text[start..]);
}

/// Whether 8 bytes (little-endian in `x`) are kept as they are by [`push_text`]: printable ASCII
/// or spaces, no space right after another (or first, when `after_space`). If so, whether the
/// last is a space.
fn plain_eight(x: u64, after_space: bool) -> Option<bool> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    if x & HIGH != 0 {
        return None;
    }
    let within = |lo: u64, hi: u64| (x + (0x80 - lo) * ONES) & !(x + (0x7f - hi) * ONES) & HIGH;
    if within(0x20, 0x7e) != HIGH {
        return None;
    }
    let spaces = within(0x20, 0x20);
    if spaces & (spaces << 8) != 0 || (after_space && spaces & 0x80 != 0) {
        return None;
    }
    Some(spaces >> 63 == 1)
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "shy" => '\u{00AD}',
        _ => return None,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    #[test]
    fn words_are_lowercased_and_keep_inner_apostrophes() {
        assert_eq!(
            words("The AASC's mandate, 2023!"),
            ["the", "aasc", "aasc's", "mandate", "2023"]
        );
        assert_eq!(
            words("З'єднання та з’єднання"),
            ["єднання", "з'єднання", "та", "єднання", "з'єднання"]
        );
        assert_eq!(words("'quoted' — УКРАЇНА"), ["quoted", "україна"]);
        assert_eq!(words(&"x".repeat(MAX_WORD_CHARS + 1)), Vec::<String>::new());
    }
    /// A fixed pseudo-random sequence (xorshift) of numbers below `n`: the same texts on every
    /// run.
    pub(crate) fn pseudo_random(mut state: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        }
    }
    /// The rule of [`words`] read letter by letter, as search.js applies it: the fast path must
    /// split every text the same way.
    fn words_letter_by_letter(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        let mut chars = text.chars().peekable();
        let finish = |word: &mut String, out: &mut Vec<String>| {
            if !word.is_empty() && word.chars().count() <= MAX_WORD_CHARS {
                if word.contains('\'') {
                    out.extend(
                        word.split('\'').filter(|p| p.chars().count() > 1).map(str::to_string),
                    );
                }
                out.push(word.clone());
            }
            word.clear();
        };
        while let Some(c) = chars.next() {
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
            } else if is_apostrophe(c)
                && !word.is_empty()
                && chars.peek().is_some_and(|n| n.is_alphanumeric())
            {
                word.push('\'');
            } else {
                finish(&mut word, &mut out);
            }
        }
        finish(&mut word, &mut out);
        out
    }
    #[test]
    fn words_split_every_text_as_the_letter_by_letter_rule_does() {
        // Words across the 64-byte blocks of the fast path, capitals, apostrophes, letters
        // beyond ASCII at a word's start, middle and end, words at the length limit.
        let pieces = [
            "a",
            "Z",
            "09",
            "word",
            "Word",
            "WORD",
            "o'hanlon",
            "O’Hanlon",
            "don't",
            "'",
            "’",
            "café",
            "Éclair",
            "naïve",
            "з'єднання",
            "Україна",
            "«Що»",
            " ",
            "  ",
            ".",
            ", ",
            "—",
            "x1y2",
            "-",
            "\"",
            "ʼ",
            "ß",
            "İ",
            "straße",
            "AASC's",
            "2023!",
            &"y".repeat(MAX_WORD_CHARS),
            &"y".repeat(MAX_WORD_CHARS + 1),
            &"Ж".repeat(MAX_WORD_CHARS),
            &"ж".repeat(MAX_WORD_CHARS + 1),
        ];
        let mut next = pseudo_random(0x2545_f491_4f6c_dd1d);
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..next(60) {
                text.push_str(pieces[next(pieces.len())]);
                if next(3) > 0 {
                    text.push(' ');
                }
            }
            assert_eq!(words(&text), words_letter_by_letter(&text), "text: {text:?}");
        }
    }
    #[test]
    fn push_text_collapses_whitespace_in_every_text_as_char_by_char() {
        fn char_by_char(out: &mut String, text: &str) {
            for c in text.chars() {
                if c.is_whitespace() || c.is_control() {
                    if !out.is_empty() && !out.ends_with(' ') {
                        out.push(' ');
                    }
                } else if c != '¶' && c != '↩' {
                    out.push(c);
                }
            }
        }
        let pieces = [
            "word",
            "  ",
            " ",
            "\n",
            "\t",
            "\u{1}",
            "\u{7f}",
            "é",
            "¶",
            "↩",
            "\u{a0}",
            "a b c d e f g h",
            "abcdefgh",
            " x",
            "Ж ж",
            "\u{85}",
        ];
        let mut next = pseudo_random(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let (mut fast, mut slow) = (String::new(), String::new());
            for _ in 0..next(4) {
                let text: String = (0..next(30)).map(|_| pieces[next(pieces.len())]).collect();
                push_text(&mut fast, &text);
                char_by_char(&mut slow, &text);
                assert_eq!(fast, slow, "text: {text:?}");
            }
        }
    }
    #[test]
    fn plain_text_drops_tags_scripts_and_anchors() {
        let html = "<h2 id=\"a\"><a class=\"heading-anchor\" href=\"#a\">Who <em>commands</em></a></h2>\n<p>Force&nbsp;&amp; law&#39;s <code>x</code><a href=\"#p\">¶</a></p><script>var a=1;</script><p>end</p>";
        assert_eq!(plain_text(html), "Who commands Force & law's x end");
    }
}
