#include "services/parking/domain/zones.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::parking {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Optional;

// Two squares side by side near Stuttgart's Schlossplatz, 0.01 deg wide
// (about 730 m east-west, 1.1 km north-south): zone 1101 west of longitude
// 9.18, zone 1102 east of it; 1101 has a hole (a private car park).
constexpr char kZones[] = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature",
   "properties": {"zone": "1101", "name": "West", "district": "Mitte", "tariff": "city",
                  "permit_area": "S-Mitte-1"},
   "geometry": {"type": "Polygon", "coordinates": [
     [[9.17, 48.77], [9.18, 48.77], [9.18, 48.78], [9.17, 48.78], [9.17, 48.77]],
     [[9.172, 48.772], [9.173, 48.772], [9.173, 48.773], [9.172, 48.773], [9.172, 48.772]]]}},
  {"type": "Feature",
   "properties": {"zone": "1102", "name": "Ost", "district": "Mitte", "tariff": "city"},
   "geometry": {"type": "MultiPolygon", "coordinates": [[
     [[9.18, 48.77], [9.19, 48.77], [9.19, 48.78], [9.18, 48.78], [9.18, 48.77]]]]}}]})";

ZoneDirectory Directory() {
  absl::StatusOr<std::vector<Zone>> zones = ParseZonesGeoJson(kZones);
  EXPECT_TRUE(zones.ok()) << zones.status();
  absl::StatusOr<ZoneDirectory> directory =
      ZoneDirectory::Create(zones.value_or(std::vector<Zone>{}));
  EXPECT_TRUE(directory.ok()) << directory.status();
  return *std::move(directory);
}

TEST(ZonesTest, ImportsGeoJsonProperties) {
  ZoneDirectory directory = Directory();
  ASSERT_NE(directory.Find("1101"), nullptr);
  EXPECT_EQ(directory.Find("1101")->permit_area, "S-Mitte-1");
  EXPECT_EQ(directory.Find("1101")->area[0].size(), 2u);  // outline and hole
  EXPECT_EQ(directory.Find("1102")->tariff_id, "city");
  EXPECT_EQ(directory.Find("9999"), nullptr);
}

TEST(ZonesTest, FindsTheZoneContainingAPoint) {
  ZoneDirectory directory = Directory();
  ZoneLookup deep_west = directory.Locate({48.775, 9.175}, 30).value();
  EXPECT_THAT(deep_west.zone_id, Optional(std::string("1101")));
  EXPECT_TRUE(deep_west.nearby.empty());
  EXPECT_THAT(directory.Locate({48.775, 9.186}, 30).value().zone_id, Optional(std::string("1102")));
  // Inside the hole of 1101: no zone (but 1101's hole border is near).
  ZoneLookup hole = directory.Locate({48.7725, 9.1725}, 10).value();
  EXPECT_FALSE(hole.zone_id.has_value());
  EXPECT_TRUE(hole.nearby.empty());
  EXPECT_FALSE(directory.Locate({48.70, 9.10}, 30).value().zone_id.has_value());
}

TEST(ZonesTest, OffersNeighboursNearABorder) {
  ZoneDirectory directory = Directory();
  // 0.0001 deg of longitude west of the border is about 7.3 m at this latitude.
  ZoneLookup near = directory.Locate({48.775, 9.1799}, 20).value();
  EXPECT_THAT(near.zone_id, Optional(std::string("1101")));
  ASSERT_THAT(near.nearby, ElementsAre(Field(&ZoneCandidate::zone_id, "1102")));
  EXPECT_NEAR(near.nearby[0].distance_meters, 7.3, 0.3);
  // With a smaller radius the neighbour is not offered.
  EXPECT_TRUE(directory.Locate({48.775, 9.1799}, 5).value().nearby.empty());
  // Just outside both: both offered, the nearer first.
  ZoneLookup outside = directory.Locate({48.7801, 9.1801}, 30).value();
  EXPECT_FALSE(outside.zone_id.has_value());
  EXPECT_THAT(outside.nearby, ElementsAre(Field(&ZoneCandidate::zone_id, "1102"),
                                          Field(&ZoneCandidate::zone_id, "1101")));
}

TEST(ZonesTest, RefusesImpossibleCoordinates) {
  ZoneDirectory directory = Directory();
  EXPECT_EQ(directory.Locate({91, 9}, 10).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(directory.Locate({48, 181}, 10).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(directory.Locate({std::nan(""), 9}, 10).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ZonesTest, RefusesBrokenGeoJson) {
  auto feature = [](std::string properties, std::string geometry) {
    return absl::StrCat(R"({"type": "FeatureCollection", "features": [{"type": "Feature", )",
                        R"("properties": )", properties, R"(, "geometry": )", geometry, "}]}");
  };
  const std::string kProps = R"({"zone": "1", "tariff": "t"})";
  const std::string kSquare =
      R"({"type": "Polygon", "coordinates": [[[9, 48], [9.1, 48], [9.1, 48.1], [9, 48]]]})";
  const std::string kBad[] = {
      "[]",
      R"({"type": "Feature"})",
      feature(R"({"tariff": "t"})", kSquare),
      feature(kProps, R"({"type": "Point", "coordinates": [9, 48]})"),
      feature(kProps, R"({"type": "Polygon", "coordinates": [[[9, 48], [9.1, 48], [9, 48]]]})"),
      feature(
          kProps,
          R"({"type": "Polygon", "coordinates": [[[9, 48], [200, 48], [9.1, 48.1], [9, 48]]]})"),
      feature(
          kProps,
          R"({"type": "Polygon", "coordinates": [[[9, 48], ["x", 48], [9.1, 48.1], [9, 48]]]})"),
  };
  for (const std::string& text : kBad) {
    EXPECT_EQ(ParseZonesGeoJson(text).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
  // A bow tie crosses itself: parsed, but refused as an area.
  absl::StatusOr<std::vector<Zone>> bow_tie = ParseZonesGeoJson(feature(
      kProps,
      R"({"type": "Polygon", "coordinates": [[[9, 48], [9.1, 48.1], [9.1, 48], [9, 48.1], [9, 48]]]})"));
  ASSERT_TRUE(bow_tie.ok());
  EXPECT_EQ(ZoneDirectory::Create(*bow_tie).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::vector<Zone>> bad_id =
      ParseZonesGeoJson(feature(R"({"zone": "A1", "tariff": "t"})", kSquare));
  ASSERT_TRUE(bad_id.ok());
  EXPECT_EQ(ZoneDirectory::Create(*bad_id).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace stadt::parking
