#include "services/parking/domain/plate.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/reason.h"
#include "services/common/strings.h"

namespace stadt::parking {
namespace {

constexpr size_t kMaxInputBytes = 40;
constexpr size_t kMaxCountryBytes = 8;
constexpr size_t kMinForeignCharacters = 2;
constexpr size_t kMaxForeignCharacters = 12;
constexpr size_t kMaxDistrictLetters = 3;
constexpr size_t kMaxLetters = 2;
constexpr size_t kMaxDigits = 4;

// ISO 3166-1 alpha-2, every officially assigned code (249; the same list as
// Debian's iso-codes, /usr/share/iso-codes/json/iso_3166-1.json), sorted.
constexpr std::array<std::string_view, 249> kIsoCountries = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"};

// Distinguishing signs of vehicles in international traffic (the oval
// sticker, the EU band) that are not themselves alpha-2 codes, with the
// country they stand for. Two-letter signs that are alpha-2 codes ("CH",
// "NL", "PL", ...) mean that country in both lists.
struct Sign {
  std::string_view sign;
  std::string_view iso;
};
constexpr Sign kSigns[] = {
    {"A", "AT"},   {"AND", "AD"}, {"B", "BE"},   {"BIH", "BA"}, {"CDN", "CA"}, {"D", "DE"},
    {"E", "ES"},   {"EST", "EE"}, {"F", "FR"},   {"FIN", "FI"}, {"FL", "LI"},  {"GBG", "GG"},
    {"GBJ", "JE"}, {"GBM", "IM"}, {"GBZ", "GI"}, {"H", "HU"},   {"I", "IT"},   {"IRL", "IE"},
    {"L", "LU"},   {"M", "MT"},   {"MNE", "ME"}, {"N", "NO"},   {"NMK", "MK"}, {"P", "PT"},
    {"RSM", "SM"}, {"RUS", "RU"}, {"S", "SE"},   {"SLO", "SI"}, {"SRB", "RS"}, {"UK", "GB"},
    {"USA", "US"}, {"V", "VA"}};

constexpr char32_t kAUmlaut = 0xC4;
constexpr char32_t kOUmlaut = 0xD6;
constexpr char32_t kUUmlaut = 0xDC;
constexpr char32_t kCombiningDiaeresis = 0x308;

absl::Status UnknownCountry() {
  return WithReason(
      absl::InvalidArgumentError("country: an ISO 3166-1 alpha-2 code such as DE, FR or AT"),
      "plate_country_unknown");
}

absl::Status Malformed(std::string_view reason) {
  return WithReason(absl::InvalidArgumentError(absl::StrCat("malformed plate: ", ToAbsl(reason))),
                    "plate_malformed");
}

// UTF-8 to code points; nullopt for anything but well-formed UTF-8.
std::optional<std::u32string> Decode(std::string_view text) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    const auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    size_t length = 0;
    char32_t code = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code = lead & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + length > text.size()) return std::nullopt;
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    // Overlong forms and surrogates are not characters.
    if ((length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
        (length == 4 && code < 0x10000) || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return std::nullopt;
    }
    out.push_back(code);
    i += length;
  }
  return out;
}

void Encode(char32_t code, std::string& out) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiUpper(char32_t c) { return c >= 'A' && c <= 'Z'; }
bool IsSeparator(char32_t c) { return c == ' ' || c == '-' || c == '.'; }

// Upper case of a Latin letter (ASCII, Latin-1, Latin Extended-A); nullopt
// for anything that is no letter of these blocks, and for the few that have
// no plain upper case of their own (dotless i, kra, long s, ...).
std::optional<char32_t> UpperLatin(char32_t c) {
  if (IsAsciiUpper(c)) return c;
  if (c >= 'a' && c <= 'z') return c - 0x20;
  if (c == 0xD7 || c == 0xF7) return std::nullopt;  // x and division signs
  if (c >= 0xC0 && c <= 0xDE) return c;             // upper, and sharp s
  if (c == 0xDF) return c;                          // sharp s
  if (c >= 0xE0 && c <= 0xFE) return c - 0x20;      // lower
  if (c == 0xFF) return 0x178;                      // y diaeresis
  if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F) return std::nullopt;
  if (c >= 0x100 && c <= 0x137) return c & ~char32_t{1};     // pairs: even upper
  if (c >= 0x139 && c <= 0x148) return (c & 1) ? c : c - 1;  // pairs: odd upper
  if (c >= 0x14A && c <= 0x177) return c & ~char32_t{1};     // pairs: even upper
  if (c == 0x178) return c;
  if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c : c - 1;  // pairs: odd upper
  return std::nullopt;
}

// The input as upper-case letters, digits and separators, trimmed, with a
// combining diaeresis composed onto its A, O or U.
absl::StatusOr<std::u32string> Characters(std::string_view input) {
  if (input.size() > kMaxInputBytes) return Malformed("too long");
  std::optional<std::u32string> decoded = Decode(input);
  if (!decoded.has_value()) return Malformed("not valid UTF-8");
  std::u32string out;
  for (char32_t c : *decoded) {
    if (c == kCombiningDiaeresis && !out.empty()) {
      char32_t& base = out.back();
      if (base == 'A' || base == 'O' || base == 'U') {
        base = base == 'A' ? kAUmlaut : base == 'O' ? kOUmlaut : kUUmlaut;
        continue;
      }
    }
    if (IsDigit(c) || IsSeparator(c)) {
      out.push_back(c);
      continue;
    }
    std::optional<char32_t> upper = UpperLatin(c);
    if (!upper.has_value()) return Malformed("only letters, digits, spaces, hyphens and dots");
    out.push_back(*upper);
  }
  const size_t first = out.find_first_not_of(U' ');
  if (first == std::u32string::npos) return Malformed("empty");
  out = out.substr(first, out.find_last_not_of(U' ') - first + 1);
  return out;
}

// A run of separators: spaces, with at most one hyphen or dot among them.
// Returns the separator it stands for (' ', '-' or '.'), or 0 for none,
// and advances `at`; nullopt for two hyphens or dots in one run.
std::optional<char32_t> SkipSeparator(const std::u32string& text, size_t& at) {
  char32_t kind = 0;
  while (at < text.size() && IsSeparator(text[at])) {
    if (text[at] != ' ') {
      if (kind != 0 && kind != ' ') return std::nullopt;
      kind = text[at];
    } else if (kind == 0) {
      kind = ' ';
    }
    ++at;
  }
  return kind;
}

bool IsGermanDistrictLetter(char32_t c) {
  return IsAsciiUpper(c) || c == kAUmlaut || c == kOUmlaut || c == kUUmlaut;
}

absl::StatusOr<Plate> ParseGerman(const std::u32string& text) {
  size_t at = 0;
  const auto run = [&](auto predicate) {
    const size_t from = at;
    while (at < text.size() && predicate(text[at])) ++at;
    return text.substr(from, at - from);
  };
  const std::u32string district = run(IsGermanDistrictLetter);
  std::optional<char32_t> separator = SkipSeparator(text, at);
  if (!separator.has_value()) return Malformed("one separator between the parts");
  const std::u32string letters = run(IsGermanDistrictLetter);
  if (district.empty()) return Malformed("a German plate starts with the district's letters");
  if (letters.empty() && at < text.size() && IsDigit(text[at]) && district.size() >= 2) {
    // "SAB 1234": S-AB, SA-B or (with a long district) SAB-? cannot be told apart.
    return WithReason(
        absl::InvalidArgumentError("ambiguous plate: separate the district from the letters, e.g. "
                                   "\"S-AB 1234\" or \"S AB 1234\""),
        "plate_ambiguous");
  }
  if (*separator != ' ' && *separator != '-') {
    return Malformed("a hyphen or space between district and letters");
  }
  if (district.size() > kMaxDistrictLetters) return Malformed("a German district has 1-3 letters");
  if (letters.empty() || letters.size() > kMaxLetters ||
      !std::all_of(letters.begin(), letters.end(), IsAsciiUpper)) {
    return Malformed("1-2 letters A-Z follow the district");
  }
  separator = SkipSeparator(text, at);
  if (!separator.has_value() || *separator == '.') {
    return Malformed("a hyphen or space between letters and digits");
  }
  const std::u32string digits = run(IsDigit);
  if (digits.empty() || digits.size() > kMaxDigits || digits[0] == '0') {
    return Malformed("1-4 digits, not starting with 0, follow the letters");
  }
  separator = SkipSeparator(text, at);
  std::u32string suffix = run([](char32_t c) { return !IsSeparator(c); });
  if (!separator.has_value() || *separator == '-' || *separator == '.' || at != text.size() ||
      suffix.size() > 1 || (suffix.size() == 1 && suffix[0] != 'E' && suffix[0] != 'H')) {
    return Malformed("only E (electric) or H (historic) may follow the digits");
  }
  Plate plate;
  plate.country = "DE";
  std::string written;
  for (char32_t c : district) Encode(c, written);
  absl::StrAppend(&written, "-");
  for (char32_t c : letters) Encode(c, written);
  std::string number;
  for (char32_t c : digits) Encode(c, number);
  for (char32_t c : suffix) Encode(c, number);
  plate.registration = absl::StrCat(written, " ", number);
  plate.key = absl::StrCat("DE:", written, number);
  return plate;
}

absl::StatusOr<Plate> ParseForeign(std::string_view country, const std::u32string& text) {
  std::string written;
  std::string match;
  size_t characters = 0;
  for (size_t at = 0; at < text.size();) {
    if (IsSeparator(text[at])) {
      std::optional<char32_t> separator = SkipSeparator(text, at);
      if (!separator.has_value() || written.empty() || at == text.size()) {
        return Malformed("single spaces, hyphens or dots between letters and digits");
      }
      Encode(*separator, written);
      continue;
    }
    Encode(text[at], written);
    Encode(text[at], match);
    ++characters;
    ++at;
  }
  if (characters < kMinForeignCharacters || characters > kMaxForeignCharacters) {
    return Malformed("2-12 letters and digits");
  }
  return Plate{std::string(country), std::move(written), absl::StrCat(ToAbsl(country), ":", match)};
}

}  // namespace

absl::StatusOr<std::string> ParsePlateCountry(std::string_view country) {
  if (country.size() > kMaxCountryBytes) {
    return UnknownCountry();
  }
  std::string upper;
  for (char c : country) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    upper.push_back(c);
  }
  if (upper.empty()) return std::string("DE");
  if (std::binary_search(kIsoCountries.begin(), kIsoCountries.end(), upper)) return upper;
  for (const Sign& sign : kSigns) {
    if (sign.sign == upper) return std::string(sign.iso);
  }
  return UnknownCountry();
}

absl::StatusOr<Plate> ParsePlate(std::string_view country, std::string_view registration) {
  absl::StatusOr<std::string> iso = ParsePlateCountry(country);
  if (!iso.ok()) return iso.status();
  absl::StatusOr<std::u32string> text = Characters(registration);
  if (!text.ok()) return text.status();
  if (*iso == "DE") return ParseGerman(*text);
  return ParseForeign(*iso, *text);
}

}  // namespace stadt::parking
