"""Interface words: the text the writers add around the book's own text.

Requires nothing. Guarantees: every interface string is listed once in
MESSAGES as key -> (message, translator note). The book.toml extractor
adds them to every book's catalog with msgctxt "interface", so a book kept
in its own folder gets them too; bcbook.i18n translates them like the rest.
"""

CONTEXT = "interface"

MESSAGES = {
    "contents": ("Contents", "Heading of the table of contents."),
    "landmarks": ("Landmarks", "Heading of the hidden list of main places in the book."),
    "cover": ("Cover", ""),
    "start": ("Start of the book", "A landmark that takes the reader to the first chapter."),
    "glossary": ("Glossary", "A landmark that takes the reader to the glossary."),
    "updated": ("Updated {date}", "{date} is the date the source text was last updated, already written out "
                "in your language."),
    "figure-description": ("What the picture shows", "Heading above the written description of a picture."),
    "figure-symbols": ("Symbols", "Heading above the numbered list that explains the symbols drawn in a picture "
                       "(hatched tumor, lymph nodes with and without cancer, dashed outline)."),
    "page-of": ("Page {page} of {pages}", "Footer of each printed page. {page} and {pages} become numbers."),
    "audio-artist": ("{publisher}. Synthetic voice: {voice}",
                     "Artist shown by audio players. {voice} names the speech engine and voice, e.g. espeak, en-us."),
    "cover-alt": ("Cover of the book {title}", "{title} is the book's title."),
    "editions": ("This book is also available in: {languages}.",
                 "{languages} is a list of language names, each written in its own language."),
    "status-draft": ("This translation is a draft. A medical translator has not reviewed it yet.", ""),
    "status-reviewed": ("This translation was reviewed by a medical translator: {reviewer}.",
                        "{reviewer} is the name of the medical translator who checked this translation."),
}
