#pragma once

// Tariff files for the parking end-to-end tests. The services run on the real
// clock, so a test that expects "charged" or "free now" brings tariffs whose
// answer does not depend on the day or the hour it runs at.
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace stadt::testing {

// The seed's tariff ids with the seed's rates, charged around the clock every
// day (no holidays): a check without a session is "not paid" at any hour.
inline constexpr char kAroundTheClockTariffs[] = R"({"tariffs": [
  {"id": "innenstadt", "name": "Innenstadt (Test): rund um die Uhr 3,20 EUR/h",
   "windows": [{"days": [1,2,3,4,5,6,7], "from": "00:00", "to": "24:00", "cents_per_hour": 320,
                "max_parking_minutes": 180}],
   "minimum_charge_cents": 50},
  {"id": "wohngebiet", "name": "Wohngebiet (Test): rund um die Uhr 2,00 EUR/h",
   "windows": [{"days": [1,2,3,4,5,6,7], "from": "00:00", "to": "24:00", "cents_per_hour": 200,
                "max_parking_minutes": 240}]},
  {"id": "bahnhof", "name": "Hauptbahnhof: rund um die Uhr, 2,40 EUR/h, max. 10 EUR am Tag",
   "windows": [{"days": [1,2,3,4,5,6,7], "from": "00:00", "to": "24:00", "cents_per_hour": 240,
                "max_parking_minutes": 1440}],
   "daily_cap_cents": 1000},
  {"id": "markt", "name": "Markt (Test): rund um die Uhr 3,00 EUR/h, 30 Min. frei",
   "windows": [{"days": [1,2,3,4,5,6,7], "from": "00:00", "to": "24:00", "cents_per_hour": 300}],
   "free_minutes": 30, "charging_unit_minutes": 15}
]})";

// Writes `json` to a fresh file under the test's temporary directory and
// returns its path.
inline std::string WriteTariffsFile(const std::string& json) {
  std::string dir = absl::StrCat(::testing::TempDir(), "stadt-parking-tariffs-XXXXXX");
  if (mkdtemp(dir.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return "";
  }
  const std::string path = dir + "/tariffs.json";
  std::ofstream(path) << json;
  return path;
}

}  // namespace stadt::testing
