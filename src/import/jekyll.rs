//! Reads a Jekyll site (stub).
use super::place::LinkIndex;
use super::{Body, Doc, Imported};
use crate::error::Diagnostics;
use std::path::Path;
pub(crate) fn read(_root: &Path) -> Result<Imported, Diagnostics> { Ok(Imported::default()) }
pub(crate) fn convert_body(doc: &Doc, _imported: &Imported, _index: &LinkIndex) -> Body { Body { text: doc.body.clone(), ..Default::default() } }
