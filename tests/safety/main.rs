//! Adversarial cases against Charter's safety rules (issue 12): reads stay inside the site,
//! writes stay inside the output (or an import's DEST), no build loses a page, a killed build
//! leaves one whole site, costs stay bounded, and each value is validated one way wherever it
//! comes from. Every case is a whole site built with the real binary; a refused build must exit
//! 1, name the file (and line) and say what to do, and leave `public/` byte for byte as it was.
//!
//! One module per rule, so that each rule's ways around it sit together.

mod support;

mod reads;
mod serve;
mod values;
mod writes;
