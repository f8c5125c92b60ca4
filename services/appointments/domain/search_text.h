#pragma once

#include <string>
#include <string_view>

namespace stadt::appointments {

// The form in which names are compared when citizens filter the catalog:
// lower case, accents dropped (é -> e, ü -> u), ß -> ss, and the German
// spellings without umlauts read as the umlaut (ae/oe/ue -> a/o/u), so
// "Strasse", "STRASSE" and "Straße", "muller", "Mueller" and "Müller",
// "Buergerbuero" and "Bürgerbüro" each fold to one key. Letters outside
// Latin-1 and Latin Extended-A are kept as they are (lower-cased only in
// ASCII); bytes that are not UTF-8 are kept, so folding never fails.
// Only for comparing: names are shown as written.
std::string FoldForSearch(std::string_view text);

// Whether two names are the same for a citizen's filter.
inline bool SameForSearch(std::string_view a, std::string_view b) {
  return FoldForSearch(a) == FoldForSearch(b);
}

}  // namespace stadt::appointments
