#include "services/parking/domain/plate.h"

#include <cctype>

namespace stadt::parking {
namespace {

constexpr size_t kMaxInputLength = 32;

bool IsSeparator(char c) { return c == ' ' || c == '-'; }
bool IsLetter(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

absl::Status Malformed() {
  return absl::InvalidArgumentError(
      "malformed plate: expected district letters, letters and digits, e.g. \"S-AB 1234\"");
}

}  // namespace

absl::StatusOr<std::string> NormalizePlate(std::string_view input) {
  if (input.size() > kMaxInputLength) return Malformed();
  std::string plate;
  for (char c : input) {
    if (IsSeparator(c)) continue;
    const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!IsLetter(upper) && !IsDigit(upper)) return Malformed();
    plate.push_back(upper);
  }
  size_t i = 0;
  while (i < plate.size() && IsLetter(plate[i])) ++i;
  const size_t letters = i;
  while (i < plate.size() && IsDigit(plate[i])) ++i;
  const size_t digits = i - letters;
  const size_t suffix = plate.size() - i;
  if (letters < 2 || letters > 5) return Malformed();
  if (digits < 1 || digits > 4 || plate[letters] == '0') return Malformed();
  if (suffix > 1 || (suffix == 1 && plate.back() != 'E' && plate.back() != 'H')) {
    return Malformed();
  }
  return plate;
}

}  // namespace stadt::parking
