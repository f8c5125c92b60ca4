// Fuzzes the parking tariff file parser (services/parking/seed/tariffs.json)
// and prices a stay under every tariff it accepts: a tariff that parses must
// price without crashing and never to a negative amount.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "absl/time/time.h"
#include "services/parking/domain/berlin_time.h"
#include "services/parking/domain/tariff.h"

namespace {

using stadt::parking::BerlinCalendar;
using stadt::parking::PriceCalculator;

// Longest stay priced per input: the per-minute walk costs time, and the
// interesting cases (window edges, increments, caps) show within a day.
constexpr int kMaxPricedMinutes = 26 * 60;

const std::optional<PriceCalculator>& Calculator() {
  static const std::optional<PriceCalculator> calculator = [] {
    absl::StatusOr<BerlinCalendar> calendar = BerlinCalendar::Load();
    return calendar.ok() ? std::optional<PriceCalculator>(PriceCalculator(*calendar))
                         : std::nullopt;
  }();
  return calculator;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<stadt::parking::Tariff>> tariffs = stadt::parking::ParseTariffs(text);
  if (!tariffs.ok() || !Calculator().has_value()) return 0;
  // Saturday evening before the October clock change: crosses midnight, a
  // weekday change and the repeated hour.
  const absl::Time start = absl::FromUnixSeconds(1'792'875'600);  // 2026-10-24 21:00 Berlin
  for (const stadt::parking::Tariff& tariff : *tariffs) {
    const int minutes = std::min(tariff.max_stay_minutes, kMaxPricedMinutes);
    absl::StatusOr<stadt::parking::Quote> quote =
        Calculator()->Price(tariff, start, start + absl::Minutes(minutes));
    if (quote.ok() && quote->total_cents < 0) std::abort();
    // The latest end a session is given must itself be priceable.
    const absl::Time latest = Calculator()->LatestEnd(tariff, start);
    if (latest <= start || !Calculator()->Price(tariff, start, latest).ok()) std::abort();
    (void)Calculator()->ChargingAt(tariff, start);
  }
  return 0;
}
