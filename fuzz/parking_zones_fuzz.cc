// Fuzzes the parking zones GeoJSON parser (services/parking/seed/zones.geojson),
// builds the zone directory from what it accepts and looks points up in it,
// as the service does at start and on every "which zone am I in" request.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "services/parking/domain/zones.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<stadt::parking::Zone>> zones = stadt::parking::ParseZonesGeoJson(text);
  if (!zones.ok()) return 0;
  std::vector<stadt::parking::GeoPoint> probes = {{48.7758, 9.1829}, {0, 0}, {90, 180}};
  // The first vertex of each zone: on a border, the hardest case for lookups.
  for (const stadt::parking::Zone& zone : *zones) {
    if (!zone.area.empty() && !zone.area[0].empty() && !zone.area[0][0].empty()) {
      probes.push_back(zone.area[0][0][0]);
    }
  }
  absl::StatusOr<stadt::parking::ZoneDirectory> directory =
      stadt::parking::ZoneDirectory::Create(*std::move(zones));
  if (!directory.ok()) return 0;
  for (const stadt::parking::GeoPoint& probe : probes) {
    (void)directory->Locate(probe, 50);
  }
  return 0;
}
