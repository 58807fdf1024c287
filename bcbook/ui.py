"""Interface words: the text the writers add around the book's own text.

Requires nothing. Guarantees: every interface string is listed once in
MESSAGES under a short key, written as `pgettext("interface", ...)` so that
`pybabel extract` (Babel's Python extractor, mapped in babel.cfg) puts it in
the same catalog as the book text, with msgctxt "interface".
"""

CONTEXT = "interface"


def pgettext(context: str, message: str) -> tuple[str, str]:
    """Mark a message for extraction; translation happens in bcbook.i18n."""
    return context, message


MESSAGES = {
    "contents": pgettext("interface", "Contents"),
    "landmarks": pgettext("interface", "Landmarks"),
    "cover": pgettext("interface", "Cover"),
    "start": pgettext("interface", "Start of the book"),
    "glossary": pgettext("interface", "Glossary"),
    "about": pgettext("interface", "About this book"),
    # Translators: {date} is the date the source text was last updated, already written out in your language.
    "updated": pgettext("interface", "Updated {date}"),
    # Translators: {title} is the book's title.
    "cover-alt": pgettext("interface", "Cover of the book {title}"),
    # Translators: {languages} is a list of language names, each written in its own language.
    "editions": pgettext("interface", "This book is also available in: {languages}."),
    "status-draft": pgettext(
        "interface",
        "This translation is a draft. A medical translator has not reviewed it yet.",
    ),
    # Translators: {reviewer} is the name of the medical translator who checked this translation.
    "status-reviewed": pgettext("interface", "This translation was reviewed by a medical translator: {reviewer}."),
}
