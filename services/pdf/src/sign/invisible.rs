//! The issuing body's signature on a PDF it did not render (an
//! attachment of an issued document, docs/domain.md §2.7): no picture,
//! a new signature field whose widget has no area, the document's number
//! and symbol in the signature's reason and the signing time in `/M`.
//!
//! The file may come from any office suite, so everything is read through
//! [`crate::parse`] (classic tables or cross-reference streams, objects in
//! object streams) and the new revision changes only what it must: the
//! catalog's (or the form's) field list and the first page's annotations.

use chrono::{DateTime, FixedOffset};

use super::Signer;
use super::revision::{Object, append_signed, signature_dictionary, text_string};
use crate::Error;
use crate::parse::syntax::{composite_entry, name_entry, reference_entry, references_in, with_entry};
use crate::parse::{self, Locations, Reference, Trailer};

/// One invisible signature.
pub struct Invisible<'a> {
    pub signer: &'a dyn Signer,
    pub time: DateTime<FixedOffset>,
    /// Why, naming the document: "Tệp đính kèm văn bản số 15-NQ/TU".
    pub reason: String,
    pub location: String,
}

/// Deepest page tree followed to the first page.
const MAX_TREE_DEPTH: usize = 32;

/// `dict` with `reference` added to its array entry `key`: in place when
/// the array is written in the dictionary; else the array object it
/// refers to is rewritten (returned); else a new entry is made.
fn add_to_array(
    pdf: &[u8],
    locations: &Locations,
    dict: &str,
    key: &str,
    reference: Reference,
) -> Result<(String, Option<Object>), Error> {
    if let Some((from, to)) = composite_entry(dict, key)
        && dict[from..].starts_with('[')
    {
        let updated = format!("{} {reference}]{}", &dict[..to - 1], &dict[to..]);
        return Ok((updated, None));
    }
    if let Some(array) = reference_entry(dict, key) {
        let text = parse::object_dict(pdf, locations, array.number)?;
        let text = text.trim();
        if !text.starts_with('[') || !text.ends_with(']') {
            return Err(Error::Malformed(format!("/{key} is not an array")));
        }
        let updated = format!("{} {reference}]", &text[..text.len() - 1]);
        let array = Reference {
            number: array.number,
            generation: parse::xref::generation(locations, array.number),
        };
        return Ok((dict.to_string(), Some(Object::new(array, &updated))));
    }
    Ok((with_entry(dict, &format!("/{key} [{reference}]")), None))
}

/// The first page: its reference, from the catalog's page tree.
fn first_page(pdf: &[u8], locations: &Locations, catalog: &str) -> Result<(Reference, String), Error> {
    let mut node =
        reference_entry(catalog, "Pages").ok_or_else(|| Error::Malformed("catalog without /Pages".into()))?;
    for _ in 0..MAX_TREE_DEPTH {
        let dict = parse::object_dict(pdf, locations, node.number)?;
        if name_entry(&dict, "Type") == Some("Page") || composite_entry(&dict, "Kids").is_none() {
            return Ok((node, dict));
        }
        let (from, to) = composite_entry(&dict, "Kids").ok_or_else(|| Error::Malformed("/Kids".into()))?;
        node = *references_in(&dict[from..to])
            .first()
            .ok_or_else(|| Error::Malformed("a page tree node without pages".into()))?;
    }
    Err(Error::Malformed("page tree too deep".into()))
}

/// Signs `pdf` invisibly: returns it with one more revision.
pub async fn sign(pdf: &[u8], signing: Invisible<'_>) -> Result<Vec<u8>, Error> {
    let trailer = Trailer::read(pdf)?;
    if trailer.encrypted() {
        return Err(Error::Unsupported("an encrypted PDF".into()));
    }
    let locations = parse::object_offsets(pdf)?;
    let root = trailer.root()?;
    let root = Reference {
        number: root.number,
        generation: parse::xref::generation(&locations, root.number),
    };
    let catalog = parse::object_dict(pdf, &locations, root.number)?;
    let (page, page_dict) = first_page(pdf, &locations, &catalog)?;
    let page = Reference {
        number: page.number,
        generation: parse::xref::generation(&locations, page.number),
    };

    let size = trailer.size()?;
    let sig = size;
    let widget = Reference {
        number: size + 1,
        generation: 0,
    };
    let next = size + 2;
    let name = format!("Co quan ban hanh {}", widget.number);
    let widget_text = format!(
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T {} /V {sig} 0 R /F 132 /Rect [0 0 0 0] /P {page} >>",
        text_string(&name)
    );
    let mut objects = vec![
        Object::fresh(
            sig,
            &signature_dictionary(signing.signer, &signing.time, &signing.reason, &signing.location)?,
        ),
        Object::fresh(widget.number, &widget_text),
    ];

    // The field joins the form: written in the catalog, as an object of
    // its own, or a new form.
    let catalog = match (
        composite_entry(&catalog, "AcroForm"),
        reference_entry(&catalog, "AcroForm"),
    ) {
        (Some((from, to)), _) => {
            let form = &catalog[from..to];
            let (mut form, array) = add_to_array(pdf, &locations, form, "Fields", widget)?;
            if !form.contains("/SigFlags") {
                form = with_entry(&form, "/SigFlags 3");
            }
            objects.extend(array);
            format!("{}{form}{}", &catalog[..from], &catalog[to..])
        }
        (None, Some(form_ref)) => {
            let form = parse::object_dict(pdf, &locations, form_ref.number)?;
            let (mut form, array) = add_to_array(pdf, &locations, &form, "Fields", widget)?;
            if !form.contains("/SigFlags") {
                form = with_entry(&form, "/SigFlags 3");
            }
            objects.extend(array);
            objects.push(Object::new(
                Reference {
                    number: form_ref.number,
                    generation: parse::xref::generation(&locations, form_ref.number),
                },
                &form,
            ));
            catalog
        }
        (None, None) => with_entry(&catalog, &format!("/AcroForm << /Fields [{widget}] /SigFlags 3 >>")),
    };
    objects.push(Object::new(root, &catalog));
    // The widget sits on the first page, as readers expect of a field.
    let (page_dict, annots) = add_to_array(pdf, &locations, &page_dict, "Annots", widget)?;
    objects.extend(annots);
    if page != root {
        objects.push(Object::new(page, &page_dict));
    }
    // One version of each object in the revision.
    objects.sort_by_key(|o| o.reference.number);
    objects.dedup_by_key(|o| o.reference.number);
    append_signed(pdf, &trailer, next, objects, sig, signing.signer).await
}
