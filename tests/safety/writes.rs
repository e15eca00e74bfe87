//! Safety cases for writes: every output path has one producer, stays inside the output, and a killed build leaves one whole site.

#[allow(unused_imports)]
use crate::support::*;
