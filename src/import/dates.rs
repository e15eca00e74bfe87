//! Dates as Hugo and Jekyll accept them, rewritten in the forms Charter reads.
//!
//! Hugo and Jekyll take many spellings of a date (`2010-10-22 11:33:15 -0400`, one-digit hours,
//! no zone at all, RFC 3339, RFC 2822). Charter reads `YYYY-MM-DD` and RFC 3339. This module parses
//! the lenient forms into a [`SourceDate`] and prints the Charter form; whether the text changed is
//! for the caller to report.

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};

/// A date as written in a source site: a day, maybe a time, maybe a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceDate {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub offset: Option<FixedOffset>,
}

impl SourceDate {
    /// The form Charter reads: `YYYY-MM-DD` for a bare day, RFC 3339 otherwise. A time without a
    /// zone is taken as UTC, as Hugo (without `timeZone`) and Jekyll (without `timezone`) do.
    pub fn as_charter_text(&self) -> String {
        match self.time {
            None => self.date.format("%Y-%m-%d").to_string(),
            Some(time) => {
                let offset = self.offset.unwrap_or_else(|| Utc.fix());
                let naive = NaiveDateTime::new(self.date, time);
                match offset.from_local_datetime(&naive).single() {
                    Some(dt) => dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                    None => self.date.format("%Y-%m-%d").to_string(),
                }
            }
        }
    }

    pub fn year(&self) -> i32 {
        self.date.year()
    }
    pub fn month(&self) -> u32 {
        self.date.month()
    }
    pub fn day(&self) -> u32 {
        self.date.day()
    }

    /// The instant, for comparing with "now" (future and expired pages). A bare day is midnight UTC.
    pub fn instant(&self) -> DateTime<Utc> {
        let time = self.time.unwrap_or(NaiveTime::MIN);
        let offset = self.offset.unwrap_or_else(|| Utc.fix());
        let naive = NaiveDateTime::new(self.date, time);
        match offset.from_local_datetime(&naive).single() {
            Some(dt) => dt.with_timezone(&Utc),
            None => Utc.from_utc_datetime(&naive),
        }
    }
}

/// Parses every date form Hugo and Jekyll accept that real sites use. `None` when the text is not
/// a date at all.
pub fn parse(text: &str) -> Option<SourceDate> {
    parse_any(text).filter(|d| crate::validate::date_year(d.year()).is_ok())
}

fn parse_any(text: &str) -> Option<SourceDate> {
    let s = text.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(SourceDate {
            date: dt.date_naive(),
            time: Some(dt.time()),
            offset: Some(*dt.offset()),
        });
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(SourceDate {
            date: dt.date_naive(),
            time: Some(dt.time()),
            offset: Some(*dt.offset()),
        });
    }
    parse_loose(s)
}

/// `Y-M-D`, then an optional `T` or space and `H:M[:S[.frac]]`, then an optional zone
/// (`Z`, `UTC`, `+hh:mm`, `+hhmm`, `+hh`). Months, days, hours and minutes may have one digit.
fn parse_loose(s: &str) -> Option<SourceDate> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let year = take_number(bytes, &mut i, 4, 4)?;
    expect(bytes, &mut i, b'-')?;
    let month = take_number(bytes, &mut i, 1, 2)?;
    expect(bytes, &mut i, b'-')?;
    let day = take_number(bytes, &mut i, 1, 2)?;
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    skip_spaces(bytes, &mut i);
    if i == bytes.len() {
        return Some(SourceDate { date, time: None, offset: None });
    }
    if bytes[i] == b'T' || bytes[i] == b't' {
        i += 1;
    }
    skip_spaces(bytes, &mut i);
    let hour = take_number(bytes, &mut i, 1, 2)?;
    expect(bytes, &mut i, b':')?;
    let minute = take_number(bytes, &mut i, 1, 2)?;
    let mut second = 0;
    let mut nanos = 0;
    if i < bytes.len() && bytes[i] == b':' {
        i += 1;
        second = take_number(bytes, &mut i, 1, 2)?;
        if i < bytes.len() && (bytes[i] == b'.' || bytes[i] == b',') {
            i += 1;
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &s[start..i];
            if digits.is_empty() {
                return None;
            }
            let padded: String = digits.chars().chain(std::iter::repeat('0')).take(9).collect();
            nanos = padded.parse().ok()?;
        }
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    skip_spaces(bytes, &mut i);
    let rest = &s[i..];
    let offset = if rest.is_empty() { None } else { Some(parse_zone(rest)?) };
    Some(SourceDate { date, time: Some(time), offset })
}

fn parse_zone(z: &str) -> Option<FixedOffset> {
    let z = z.trim();
    if z.eq_ignore_ascii_case("z") || z.eq_ignore_ascii_case("utc") || z.eq_ignore_ascii_case("gmt")
    {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

fn take_number(bytes: &[u8], i: &mut usize, min: usize, max: usize) -> Option<u32> {
    let start = *i;
    while *i < bytes.len() && bytes[*i].is_ascii_digit() && *i - start < max {
        *i += 1;
    }
    if *i - start < min {
        return None;
    }
    std::str::from_utf8(&bytes[start..*i]).ok()?.parse().ok()
}

fn expect(bytes: &[u8], i: &mut usize, c: u8) -> Option<()> {
    if *i < bytes.len() && bytes[*i] == c {
        *i += 1;
        Some(())
    } else {
        None
    }
}

fn skip_spaces(bytes: &[u8], i: &mut usize) {
    while *i < bytes.len() && bytes[*i] == b' ' {
        *i += 1;
    }
}

/// The outcome of normalising one date value from front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateFix {
    /// Already in a form Charter reads; kept as written.
    Kept(SourceDate),
    /// Rewritten: the new text.
    Rewritten(SourceDate, String),
    /// Not a date Hugo or Jekyll would accept either.
    Invalid,
}

/// Normalises a date string for Charter's front matter.
pub fn fix(text: &str) -> DateFix {
    match parse(text) {
        None => DateFix::Invalid,
        Some(d) => {
            let out = d.as_charter_text();
            if is_charter_form(text.trim()) {
                DateFix::Kept(d)
            } else {
                DateFix::Rewritten(d, out)
            }
        }
    }
}

/// True when Charter reads the text as it is: `YYYY-MM-DD` or RFC 3339.
fn is_charter_form(s: &str) -> bool {
    if s.len() == 10 && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() {
        return true;
    }
    DateTime::parse_from_rfc3339(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charter(s: &str) -> String {
        parse(s).map(|d| d.as_charter_text()).unwrap_or_else(|| "INVALID".into())
    }

    #[test]
    fn hugo_space_separated_with_offset() {
        assert_eq!(charter("2010-10-22 11:33:15 -0400"), "2010-10-22T11:33:15-04:00");
        assert_eq!(charter("2010-10-22 11:33:15 +05:30"), "2010-10-22T11:33:15+05:30");
    }

    #[test]
    fn one_digit_hours_and_days() {
        assert_eq!(charter("2010-10-22 1:33:15"), "2010-10-22T01:33:15Z");
        assert_eq!(charter("2010-1-2"), "2010-01-02");
        assert_eq!(charter("2010-10-22T9:05"), "2010-10-22T09:05:00Z");
    }

    #[test]
    fn no_zone_is_utc() {
        assert_eq!(charter("2010-10-22T11:33:15"), "2010-10-22T11:33:15Z");
    }

    #[test]
    fn rfc3339_and_bare_days_are_kept() {
        assert!(matches!(fix("2010-10-22T11:33:15+02:00"), DateFix::Kept(_)));
        assert!(matches!(fix("2010-10-22"), DateFix::Kept(_)));
        assert!(matches!(fix("2010-10-22 11:33:15 -0400"), DateFix::Rewritten(_, _)));
        assert_eq!(fix("next tuesday"), DateFix::Invalid);
    }

    #[test]
    fn rfc2822_and_fractions() {
        assert_eq!(charter("Fri, 22 Oct 2010 11:33:15 +0000"), "2010-10-22T11:33:15Z");
        assert_eq!(charter("2010-10-22 11:33:15.250 Z"), "2010-10-22T11:33:15.250Z");
    }

    #[test]
    fn rejects_nonsense() {
        assert!(parse("2010-13-40").is_none());
        assert!(parse("2010-10-22 25:00").is_none());
        assert!(parse("").is_none());
        assert!(parse("2010-10-22 11:33:15 EST5").is_none());
    }
}
