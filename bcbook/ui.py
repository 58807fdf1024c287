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
    "updated": ("Source text updated {date}", "{date} is the date the source web page was last updated, already "
                "written out in your language."),
    "edition": ("This edition: {date}", "{date} is the date of this edition of the book, already written out in "
                "your language."),
    "figure-description": ("What the picture shows", "Heading above the written description of a picture."),
    "figure-symbols": ("Symbols", "Heading above the numbered list that explains the symbols drawn in a picture "
                       "(hatched tumor, lymph nodes with and without cancer, dashed outline)."),
    "page-of": ("Page {page} of {pages}", "Footer of each printed page. {page} and {pages} become numbers."),
    "audio-artist": ("{publisher}. Synthetic voice: {voice}",
                     "Artist shown by audio players. {voice} names the speech engine and voice, e.g. espeak, en-us."),
    "cover-alt": ("Cover of the book {title}", "{title} is the book's title."),
    "editions": ("This book is also available in: {languages}.",
                 "{languages} is a list of language names, each written in its own language."),
    "link-in-english": ("{link} (in English)",
                        "Added to a link whose web page is in English. {link} is the link's own text; keep it. "
                        "Write \"in English\" as a reader of your language expects it."),
    "fonts-licence": ("This book uses the fonts {fonts}, under the {licence}.",
                      "{fonts} is a list of font names (Noto ...); {licence} is the licence's name, kept in English "
                      "(\"SIL Open Font License 1.1\")."),
    "narration": ("The audio edition is read by a synthetic voice, not a person: {voice}.",
                  "{voice} names the speech engine and its voice, e.g. \"espeak-ng, en-us\"; keep it as it is."),
    "page-source": ("The page numbers in the e-book follow the printed US Letter handout.",
                    "Colophon line: the e-book marks where each page of the printed US Letter handout begins, "
                    "so a reader can find \"page 12\" in both."),
    "read-aloud-summary": ("In the read-aloud edition a synthetic voice reads the text, and each sentence is "
                           "highlighted while it is read.", "Added to the accessibility summary of the e-book "
                           "that carries the narration."),
    "status-draft": ("This translation is a draft. A medical translator has not reviewed it yet.", ""),
    "status-reviewed": ("This translation was reviewed by a medical translator: {reviewer}, {date}.",
                        "{reviewer} names the medical translators who checked this translation; {date} is "
                        "the date of the last review, already written out in your language."),
    "credits-authors": ("Written by {authors}.", "{authors} names the people or the organisation who wrote "
                        "the book."),
    "credits-reviewed": ("Medical review of the English text: {reviewers}, {date}.",
                         "{reviewers} names the medical reviewers; {date} is the date of the last review, "
                         "already written out in your language."),
    "credits-not-reviewed": ("The English text has not yet been reviewed by a medical professional.", ""),
    "sources": ("Sources", "Heading above the list of the books and web pages the facts come from."),
    "contact": ("Questions about this handout? Contact {name}: {details}.",
                "{name} is the publisher or the clinic that gave you this handout; {details} is its phone "
                "number and web address."),
}
