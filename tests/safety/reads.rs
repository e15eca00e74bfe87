//! Safety cases for reads: every file Charter reads for a site stays inside the site.

#[allow(unused_imports)]
use crate::support::*;
