//! Safety cases for values: one validation per value (URL, date, path) wherever it comes from, bounded costs on hostile input.

#[allow(unused_imports)]
use crate::support::*;
