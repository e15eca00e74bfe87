//! Safety cases for `serve`: no redirect leaves the site, a removed output comes back, refused states match `charter build`.

#[allow(unused_imports)]
use crate::support::*;
