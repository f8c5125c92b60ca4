#include "services/parking/domain/zones.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

#include "absl/strings/str_cat.h"
#include "boost/geometry.hpp"
#include "boost/geometry/geometries/multi_polygon.hpp"
#include "boost/geometry/geometries/point_xy.hpp"
#include "boost/geometry/geometries/polygon.hpp"
#include "boost/json/parse.hpp"
#include "services/common/reason.h"
#include "services/common/status_macros.h"
#include "services/parking/domain/json_read.h"

namespace stadt::parking {
namespace {

namespace bg = boost::geometry;
namespace json = boost::json;

using Xy = bg::model::d2::point_xy<double>;
using BgPolygon = bg::model::polygon<Xy>;
using BgMultiPolygon = bg::model::multi_polygon<BgPolygon>;

constexpr double kMetersPerDegree = 6371000.0 * std::numbers::pi / 180.0;
constexpr size_t kMaxVerticesPerRing = 10000;

std::optional<double> Number(const json::value& value) {
  if (value.is_double()) return value.get_double();
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  return std::nullopt;
}

bool InRange(GeoPoint point) {
  return std::isfinite(point.latitude) && std::isfinite(point.longitude) && point.latitude >= -90 &&
         point.latitude <= 90 && point.longitude >= -180 && point.longitude <= 180;
}

absl::StatusOr<Ring> ParseRing(const json::value& value) {
  if (!value.is_array() || value.get_array().size() < 4 ||
      value.get_array().size() > kMaxVerticesPerRing) {
    return json_read::Malformed("ring", "an array of 4 or more positions");
  }
  Ring ring;
  for (const json::value& position : value.get_array()) {
    if (!position.is_array() || position.get_array().size() < 2) {
      return json_read::Malformed("position", "[longitude, latitude]");
    }
    std::optional<double> longitude = Number(position.get_array()[0]);
    std::optional<double> latitude = Number(position.get_array()[1]);
    if (!longitude || !latitude || !InRange({*latitude, *longitude})) {
      return json_read::Malformed("position", "[longitude, latitude] in degrees");
    }
    ring.push_back({*latitude, *longitude});
  }
  return ring;
}

absl::StatusOr<Polygon> ParsePolygon(const json::value& value) {
  if (!value.is_array() || value.get_array().empty()) {
    return json_read::Malformed("Polygon coordinates", "an array of rings");
  }
  Polygon polygon;
  for (const json::value& ring_value : value.get_array()) {
    absl::StatusOr<Ring> ring = ParseRing(ring_value);
    if (!ring.ok()) return ring.status();
    polygon.push_back(*std::move(ring));
  }
  return polygon;
}

absl::StatusOr<std::vector<Polygon>> ParseGeometry(const json::value& value) {
  if (!value.is_object()) return json_read::Malformed("geometry", "an object");
  const json::object& geometry = value.get_object();
  std::string type;
  STADT_RETURN_IF_ERROR(json_read::String(geometry, "type", true, &type));
  const json::value* coordinates = geometry.if_contains("coordinates");
  if (coordinates == nullptr) return json_read::Malformed("geometry", "coordinates");
  std::vector<Polygon> area;
  if (type == "Polygon") {
    absl::StatusOr<Polygon> polygon = ParsePolygon(*coordinates);
    if (!polygon.ok()) return polygon.status();
    area.push_back(*std::move(polygon));
  } else if (type == "MultiPolygon" && coordinates->is_array()) {
    for (const json::value& entry : coordinates->get_array()) {
      absl::StatusOr<Polygon> polygon = ParsePolygon(entry);
      if (!polygon.ok()) return polygon.status();
      area.push_back(*std::move(polygon));
    }
  } else {
    return json_read::Malformed("geometry", "a Polygon or MultiPolygon");
  }
  if (area.empty()) return json_read::Malformed("geometry", "at least one polygon");
  return area;
}

absl::StatusOr<Zone> ParseFeature(const json::value& value) {
  if (!value.is_object()) return json_read::Malformed("features", "objects");
  const json::object& feature = value.get_object();
  const json::value* properties = feature.if_contains("properties");
  if (properties == nullptr || !properties->is_object()) {
    return json_read::Malformed("properties", "an object");
  }
  const json::object& fields = properties->get_object();
  Zone zone;
  STADT_RETURN_IF_ERROR(json_read::String(fields, "zone", true, &zone.id));
  STADT_RETURN_IF_ERROR(json_read::String(fields, "name", false, &zone.name));
  STADT_RETURN_IF_ERROR(json_read::String(fields, "district", false, &zone.district));
  STADT_RETURN_IF_ERROR(json_read::String(fields, "tariff", true, &zone.tariff_id));
  STADT_RETURN_IF_ERROR(json_read::String(fields, "permit_area", false, &zone.permit_area));
  const json::value* geometry = feature.if_contains("geometry");
  if (geometry == nullptr) return json_read::Malformed("feature", "a geometry");
  absl::StatusOr<std::vector<Polygon>> area = ParseGeometry(*geometry);
  if (!area.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("zone ", zone.id, ": ", area.status().message()));
  }
  zone.area = *std::move(area);
  return zone;
}

bool IsZoneId(std::string_view id) {
  return !id.empty() && id.size() <= 16 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

absl::StatusOr<std::vector<Zone>> ParseZonesGeoJson(std::string_view geojson) {
  boost::system::error_code error;
  json::value root = json::parse(geojson, error);
  if (error) return absl::InvalidArgumentError("zones: not valid JSON");
  if (!root.is_object()) return json_read::Malformed("zones", "a GeoJSON FeatureCollection");
  std::string type;
  STADT_RETURN_IF_ERROR(json_read::String(root.get_object(), "type", true, &type));
  if (type != "FeatureCollection") {
    return json_read::Malformed("zones", "a GeoJSON FeatureCollection");
  }
  const json::array* features = nullptr;
  STADT_RETURN_IF_ERROR(json_read::Array(root.get_object(), "features", true, &features));
  std::vector<Zone> zones;
  for (const json::value& feature : *features) {
    absl::StatusOr<Zone> zone = ParseFeature(feature);
    if (!zone.ok()) return zone.status();
    zones.push_back(*std::move(zone));
  }
  return zones;
}

struct ZoneDirectory::Projected {
  double cos_reference_latitude = 1;
  std::vector<BgMultiPolygon> areas;  // parallel to zones_

  Xy Project(GeoPoint point) const {
    return Xy(point.longitude * kMetersPerDegree * cos_reference_latitude,
              point.latitude * kMetersPerDegree);
  }
};

ZoneDirectory::ZoneDirectory(std::vector<Zone> zones, std::unique_ptr<Projected> projected)
    : zones_(std::move(zones)), projected_(std::move(projected)) {}
ZoneDirectory::ZoneDirectory(ZoneDirectory&&) noexcept = default;
ZoneDirectory& ZoneDirectory::operator=(ZoneDirectory&&) noexcept = default;
ZoneDirectory::~ZoneDirectory() = default;

absl::StatusOr<ZoneDirectory> ZoneDirectory::Create(std::vector<Zone> zones) {
  auto projected = std::make_unique<Projected>();
  double latitude_sum = 0;
  size_t vertices = 0;
  std::set<std::string> ids;
  for (const Zone& zone : zones) {
    if (!IsZoneId(zone.id)) {
      return absl::InvalidArgumentError(absl::StrCat("zone \"", zone.id, "\": id must be digits"));
    }
    if (!ids.insert(zone.id).second) {
      return absl::InvalidArgumentError(absl::StrCat("zone ", zone.id, ": duplicate"));
    }
    for (const Polygon& polygon : zone.area) {
      for (const Ring& ring : polygon) {
        for (const GeoPoint& point : ring) latitude_sum += point.latitude;
        vertices += ring.size();
      }
    }
  }
  if (vertices > 0) {
    projected->cos_reference_latitude =
        std::cos(latitude_sum / static_cast<double>(vertices) * std::numbers::pi / 180.0);
  }
  for (const Zone& zone : zones) {
    BgMultiPolygon area;
    for (const Polygon& polygon : zone.area) {
      BgPolygon shape;
      for (size_t r = 0; r < polygon.size(); ++r) {
        if (r > 0) shape.inners().emplace_back();
        auto& ring = r == 0 ? shape.outer() : shape.inners().back();
        for (const GeoPoint& point : polygon[r]) ring.push_back(projected->Project(point));
      }
      area.push_back(std::move(shape));
    }
    // GeoJSON fixes no orientation in practice; correct() makes it what
    // Boost.Geometry expects, is_valid() refuses self-intersecting shapes.
    bg::correct(area);
    if (!bg::is_valid(area)) {
      return absl::InvalidArgumentError(absl::StrCat("zone ", zone.id, ": invalid polygon"));
    }
    projected->areas.push_back(std::move(area));
  }
  return ZoneDirectory(std::move(zones), std::move(projected));
}

const Zone* ZoneDirectory::Find(std::string_view zone_id) const {
  for (const Zone& zone : zones_) {
    if (zone.id == zone_id) return &zone;
  }
  return nullptr;
}

absl::StatusOr<ZoneLookup> ZoneDirectory::Locate(GeoPoint point, double radius_meters) const {
  if (!InRange(point)) {
    return WithReason(absl::InvalidArgumentError(
                          "position: latitude must be in [-90, 90], longitude in [-180, 180]"),
                      "position_out_of_range");
  }
  const Xy xy = projected_->Project(point);
  ZoneLookup lookup;
  for (size_t i = 0; i < zones_.size(); ++i) {
    const BgMultiPolygon& area = projected_->areas[i];
    if (!lookup.zone_id && bg::within(xy, area)) {
      lookup.zone_id = zones_[i].id;
      continue;
    }
    const double distance = bg::distance(xy, area);
    if (distance <= radius_meters) lookup.nearby.push_back({zones_[i].id, distance});
  }
  std::sort(lookup.nearby.begin(), lookup.nearby.end(),
            [](const ZoneCandidate& a, const ZoneCandidate& b) {
              return a.distance_meters < b.distance_meters;
            });
  return lookup;
}

}  // namespace stadt::parking
