//! "Niet beschreven in de privacyverklaring": the values the site's data provider gave for a
//! category or field the privacy statement does not describe (issue 14 §2), shown apart in the
//! data tab, never dropped (C-C4: the view shows the data itself). They have no policy label,
//! purpose or retention: category and field are shown as the company's systems named them, and
//! every string goes in as text.

use super::util;
use crate::i18n::{t, Lang};
use crate::ui::dom::El;
use crate::ui::UiError;
use crate::wire::UndescribedValue;

/// The section: a heading and a sentence saying the statement does not describe these values,
/// then a table of category, field (the row header) and value.
pub fn section(lang: Lang, values: &[UndescribedValue]) -> Result<El, UiError> {
    let title = t(lang, "panel.data.not_described");
    let columns = [t(lang, "panel.data.category"), t(lang, "panel.data.field"), t(lang, "panel.data.value")];
    let mut body = El::new("tbody")?;
    for v in values {
        body = body.child(
            El::new("tr")?
                .attr("data-category", &v.category)
                .attr("data-field", &v.field)
                .child(El::new("td")?.text(&v.category))
                .child(El::new("th")?.attr("scope", "row").text(&v.field))
                .child(El::new("td")?.class("pw-value").text(&v.value)),
        );
    }
    Ok(El::new("section")?
        .class("pw-card pw-data-not-described")
        .child(El::new("h3")?.text(title))
        .child(El::new("p")?.text(t(lang, "panel.data.not_described_intro")))
        .child(util::table(title, &columns, body)?))
}
