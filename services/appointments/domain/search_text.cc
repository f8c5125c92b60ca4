#include "services/appointments/domain/search_text.h"

#include <array>
#include <cstdint>

namespace stadt::appointments {
namespace {

// U+00C0 ... U+017F (Latin-1 letters and Latin Extended-A) without their
// accents, lower case; empty: not a letter (×, ÷), kept as written.
constexpr char32_t kTableStart = 0xC0;
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatinBase = {
    "a", "a", "a",  "a",  "a", "a", "ae", "c",  "e",  "e", "e", "e", "i",  "i",  "i", "i", "d", "n",
    "o", "o", "o",  "o",  "o", "",  "o",  "u",  "u",  "u", "u", "y", "th", "ss", "a", "a", "a", "a",
    "a", "a", "ae", "c",  "e", "e", "e",  "e",  "i",  "i", "i", "i", "d",  "n",  "o", "o", "o", "o",
    "o", "",  "o",  "u",  "u", "u", "u",  "y",  "th", "y", "a", "a", "a",  "a",  "a", "a", "c", "c",
    "c", "c", "c",  "c",  "c", "c", "d",  "d",  "d",  "d", "e", "e", "e",  "e",  "e", "e", "e", "e",
    "e", "e", "g",  "g",  "g", "g", "g",  "g",  "g",  "g", "h", "h", "h",  "h",  "i", "i", "i", "i",
    "i", "i", "i",  "i",  "i", "i", "ij", "ij", "j",  "j", "k", "k", "k",  "l",  "l", "l", "l", "l",
    "l", "l", "l",  "l",  "l", "n", "n",  "n",  "n",  "n", "n", "n", "n",  "n",  "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r",  "r",  "r",  "r", "s", "s", "s",  "s",  "s", "s", "s", "s",
    "t", "t", "t",  "t",  "t", "t", "u",  "u",  "u",  "u", "u", "u", "u",  "u",  "u", "u", "u", "u",
    "w", "w", "y",  "y",  "y", "z", "z",  "z",  "z",  "z", "z", "s",
};

// Decodes one UTF-8 sequence at `text[*pos]` (two-byte sequences are all the
// table needs); returns 0 and advances by one byte for anything else.
char32_t DecodeTwoByte(std::string_view text, size_t* pos) {
  const auto lead = static_cast<unsigned char>(text[*pos]);
  if ((lead & 0xE0) == 0xC0 && *pos + 1 < text.size()) {
    const auto trail = static_cast<unsigned char>(text[*pos + 1]);
    if ((trail & 0xC0) == 0x80) {
      *pos += 2;
      return (static_cast<char32_t>(lead & 0x1F) << 6) | (trail & 0x3F);
    }
  }
  *pos += 1;
  return 0;
}

// Letters without accents, lower case; spaces, '-' and '_' as one space.
std::string BaseLetters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
      const char c = static_cast<char>(byte);
      if (c == ' ' || c == '-' || c == '_' || c == '\t') {
        if (!out.empty() && out.back() != ' ') out.push_back(' ');
      } else {
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      }
      ++pos;
      continue;
    }
    const size_t start = pos;
    const char32_t code_point = DecodeTwoByte(text, &pos);
    if (code_point >= kTableStart && code_point < kTableStart + kLatinBase.size() &&
        !kLatinBase[code_point - kTableStart].empty()) {
      out.append(kLatinBase[code_point - kTableStart]);
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string FoldForSearch(std::string_view text) {
  const std::string letters = BaseLetters(text);
  // "ae", "oe", "ue" are how umlauts are written without them: read as the
  // vowel, like the umlaut itself folded above.
  std::string out;
  out.reserve(letters.size());
  for (size_t i = 0; i < letters.size(); ++i) {
    out.push_back(letters[i]);
    const char c = letters[i];
    if ((c == 'a' || c == 'o' || c == 'u') && i + 1 < letters.size() && letters[i + 1] == 'e') {
      ++i;
    }
  }
  return out;
}

}  // namespace stadt::appointments
