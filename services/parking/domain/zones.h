#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace stadt::parking {

struct GeoPoint {
  double latitude = 0;
  double longitude = 0;
};

// A ring of (longitude, latitude) vertices as in GeoJSON; the first ring of a
// polygon is its outline, further rings are holes.
using Ring = std::vector<GeoPoint>;
using Polygon = std::vector<Ring>;

struct Zone {
  // The number printed on the meter sticker, e.g. "1103".
  std::string id;
  std::string name;
  std::string district;
  std::string tariff_id;
  // Residents' permit area the zone belongs to ("" if none), e.g. "S-West-2".
  std::string permit_area;
  std::vector<Polygon> area;  // a MultiPolygon
};

// Parses a GeoJSON FeatureCollection: one Feature per zone with
// properties {zone, name, district, tariff, permit_area} and a Polygon or
// MultiPolygon geometry.
absl::StatusOr<std::vector<Zone>> ParseZonesGeoJson(std::string_view geojson);

struct ZoneCandidate {
  std::string zone_id;
  double distance_meters = 0;  // 0 when the point lies inside
};

struct ZoneLookup {
  // The zone whose area contains the point, if any.
  std::optional<std::string> zone_id;
  // Other zones whose border is within the lookup radius, nearest first: a
  // phone's position is only good to some metres, so near a border the app
  // offers these too.
  std::vector<ZoneCandidate> nearby;
};

// Point-in-polygon lookup over the zones' areas (Boost.Geometry on a local
// equirectangular projection in metres, exact enough within a city).
class ZoneDirectory {
 public:
  static absl::StatusOr<ZoneDirectory> Create(std::vector<Zone> zones);
  ZoneDirectory(ZoneDirectory&&) noexcept;
  ZoneDirectory& operator=(ZoneDirectory&&) noexcept;
  ~ZoneDirectory();

  const Zone* Find(std::string_view zone_id) const;
  const std::vector<Zone>& zones() const { return zones_; }
  // INVALID_ARGUMENT for coordinates outside [-90, 90] x [-180, 180].
  absl::StatusOr<ZoneLookup> Locate(GeoPoint point, double radius_meters) const;

 private:
  struct Projected;
  ZoneDirectory(std::vector<Zone> zones, std::unique_ptr<Projected> projected);

  std::vector<Zone> zones_;
  std::unique_ptr<Projected> projected_;
};

}  // namespace stadt::parking
