#include "services/appointments/domain/office_catalog.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/appointments/domain/in_memory_catalog_repository.h"
#include "services/common/booking/domain/refusal.h"

namespace stadt::appointments {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

Office MakeOffice(std::string id, std::string district, std::vector<std::string> services = {}) {
  Office office;
  office.id = std::move(id);
  office.name = "Buergerbuero " + office.id;
  office.district = std::move(district);
  office.address = {"Marktplatz 1", "70173", "Stuttgart"};
  office.opening_hours = {{1, 8 * 60, 18 * 60}};
  office.service_ids = std::move(services);
  return office;
}

class OfficeCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Catalog catalog;
    catalog.services = {{"id-card", "ID card", 15}, {"passport", "Passport", 20}};
    catalog.offices = {MakeOffice("mitte", "Mitte", {"passport", "id-card"}),
                       MakeOffice("bad-cannstatt", "Bad Cannstatt", {"id-card"}),
                       MakeOffice("vaihingen", "Vaihingen")};
    ASSERT_TRUE(repository_.ApplySeed(catalog, "test").value());
  }

  InMemoryCatalogRepository repository_;
  OfficeCatalog catalog_{repository_};
};

TEST_F(OfficeCatalogTest, PagesThroughAllOfficesInIdOrder) {
  absl::StatusOr<OfficePage> first = catalog_.ListOffices({.page_size = 2});
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(first->offices,
              ElementsAre(Field(&Office::id, "bad-cannstatt"), Field(&Office::id, "mitte")));
  ASSERT_FALSE(first->next_page_token.empty());
  absl::StatusOr<OfficePage> second =
      catalog_.ListOffices({.page_size = 2, .page_token = first->next_page_token});
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(second->offices, ElementsAre(Field(&Office::id, "vaihingen")));
  EXPECT_TRUE(second->next_page_token.empty());
}

TEST_F(OfficeCatalogTest, FiltersByDistrict) {
  absl::StatusOr<OfficePage> page = catalog_.ListOffices({.district = "Mitte"});
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(page->offices, ElementsAre(Field(&Office::id, "mitte")));
}

TEST_F(OfficeCatalogTest, DistrictFilterIgnoresCaseAndHyphens) {
  for (const char* district : {"mitte", "MITTE", " Mitte "}) {
    absl::StatusOr<OfficePage> page = catalog_.ListOffices({.district = district});
    ASSERT_TRUE(page.ok());
    EXPECT_THAT(page->offices, ElementsAre(Field(&Office::id, "mitte"))) << district;
  }
  EXPECT_THAT(catalog_.ListOffices({.district = "bad-cannstatt"})->offices,
              ElementsAre(Field(&Office::id, "bad-cannstatt")));
}

TEST_F(OfficeCatalogTest, ListsDistrictsOnceEachWithTheirOfficeCounts) {
  ASSERT_TRUE(catalog_.PutOffice(MakeOffice("mitte-2", "MITTE")).ok());
  ASSERT_TRUE(catalog_.PutOffice(MakeOffice("sued", "Süd")).ok());
  ASSERT_TRUE(catalog_.PutOffice(MakeOffice("sued-2", "Sued")).ok());
  EXPECT_THAT(catalog_.ListDistricts().value(),
              ElementsAre(DistrictEntry{"Bad Cannstatt", 1}, DistrictEntry{"Mitte", 2},
                          DistrictEntry{"Süd", 2}, DistrictEntry{"Vaihingen", 1}));
}

TEST_F(OfficeCatalogTest, ListsDistrictsBeyondOnePage) {
  for (int i = 0; i < OfficeCatalog::kMaxPageSize + 5; ++i) {
    ASSERT_TRUE(catalog_.PutOffice(MakeOffice("x-" + std::to_string(i), "Weit")).ok());
  }
  const std::vector<DistrictEntry> districts = catalog_.ListDistricts().value();
  ASSERT_EQ(districts.size(), 4u);
  EXPECT_EQ(districts.back(), (DistrictEntry{"Weit", OfficeCatalog::kMaxPageSize + 5}));
}

TEST_F(OfficeCatalogTest, FiltersBySpokenLanguageAcrossRepositoryPages) {
  // Many offices without Turkish between the two with it: the filter reads on
  // past a full repository page and pages over matching offices only.
  Office first = MakeOffice("a-tr", "Nord");
  first.languages = {"de", "tr"};
  ASSERT_TRUE(catalog_.PutOffice(first).ok());
  for (int i = 0; i < OfficeCatalog::kMaxPageSize + 5; ++i) {
    ASSERT_TRUE(catalog_.PutOffice(MakeOffice(absl::StrCat("b-", 1000 + i), "Nord")).ok());
  }
  Office last = MakeOffice("z-tr", "Sued");
  last.languages = {"tr"};
  ASSERT_TRUE(catalog_.PutOffice(last).ok());

  absl::StatusOr<OfficePage> page = catalog_.ListOffices({.page_size = 1, .language = "TR"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->offices, ElementsAre(Field(&Office::id, "a-tr")));
  ASSERT_FALSE(page->next_page_token.empty());
  page =
      catalog_.ListOffices({.page_size = 1, .page_token = page->next_page_token, .language = "tr"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->offices, ElementsAre(Field(&Office::id, "z-tr")));
  EXPECT_TRUE(page->next_page_token.empty());
  EXPECT_THAT(catalog_.ListOffices({.district = "sued", .language = "tr"})->offices,
              ElementsAre(Field(&Office::id, "z-tr")));
  EXPECT_TRUE(catalog_.ListOffices({.language = "ja"})->offices.empty());
}

TEST_F(OfficeCatalogTest, RefusesLanguagesThatAreNoIso639Code) {
  for (const char* bad : {"xx", "tur", "t", "tr ", "de-DE", "\xc3\xbc"}) {
    absl::Status status = catalog_.ListOffices({.language = bad}).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(booking::ReasonOf(status), "bad_language") << bad;
  }
  EXPECT_EQ(ParseLanguageFilter("De").value(), "de");
}

TEST_F(OfficeCatalogTest, RejectsBadPagingInput) {
  EXPECT_EQ(catalog_.ListOffices({.page_size = -1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.ListOffices({.page_size = 10000}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.ListOffices({.page_token = "not-a-token!"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.ListOffices({.page_token = EncodePageToken("../../etc")}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Malformed input names what is wrong (declared on the catalog routes), so
// that a client can tell a bad id from an unknown one.
TEST_F(OfficeCatalogTest, MalformedInputIsRefusedWithItsReason) {
  auto reason_of = [](const absl::Status& status) { return booking::ReasonOf(status); };
  EXPECT_EQ(reason_of(catalog_.ListOffices({.page_size = -1}).status()), "invalid_page_size");
  EXPECT_EQ(reason_of(catalog_.ListOffices({.page_token = "not-a-token!"}).status()),
            "page_cursor_invalid");
  EXPECT_EQ(reason_of(catalog_.ListOffices({.page_token = EncodePageToken("../x")}).status()),
            "page_cursor_invalid");
  EXPECT_EQ(reason_of(catalog_.ListOffices({.district = std::string(101, 'm')}).status()),
            "district_too_long");
  EXPECT_EQ(reason_of(catalog_.GetOffice("Mitte; DROP").status()), "invalid_office_id");
  EXPECT_EQ(reason_of(catalog_.ListOfficeServices("").status()), "invalid_office_id");
  EXPECT_EQ(reason_of(catalog_.GetOffice("nowhere").status()), "office_not_found");
  Office nameless = MakeOffice("feuerbach", "Feuerbach", {"passport"});
  nameless.name.clear();
  EXPECT_EQ(reason_of(catalog_.PutOffice(nameless).status()), "office_invalid");
  EXPECT_EQ(
      reason_of(catalog_.PutOffice(MakeOffice("zuffenhausen", "Z", {"fishing-license"})).status()),
      "office_invalid");
}

TEST_F(OfficeCatalogTest, ListsTheServicesOfAnOfficeInItsOrder) {
  absl::StatusOr<std::vector<ServiceType>> services = catalog_.ListOfficeServices("mitte");
  ASSERT_TRUE(services.ok());
  EXPECT_THAT(*services,
              ElementsAre(Field(&ServiceType::id, "passport"), Field(&ServiceType::id, "id-card")));
}

TEST_F(OfficeCatalogTest, UnknownAndMalformedOfficeIds) {
  EXPECT_EQ(catalog_.GetOffice("nowhere").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(catalog_.GetOffice("Mitte; DROP").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.ListOfficeServices("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(OfficeCatalogTest, PutOfficeValidatesAndStores) {
  Office office = MakeOffice("feuerbach", "Feuerbach", {"passport"});
  ASSERT_TRUE(catalog_.PutOffice(office).ok());
  EXPECT_EQ(catalog_.GetOffice("feuerbach").value(), office);

  Office unknown_service = MakeOffice("zuffenhausen", "Zuffenhausen", {"fishing-license"});
  EXPECT_EQ(catalog_.PutOffice(unknown_service).status().code(),
            absl::StatusCode::kInvalidArgument);
  Office closed_before_open = MakeOffice("weilimdorf", "Weilimdorf");
  closed_before_open.opening_hours = {{2, 600, 500}};
  EXPECT_EQ(catalog_.PutOffice(closed_before_open).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.GetOffice("weilimdorf").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(OfficeCatalogTest, StorageOutageSurfacesAsUnavailable) {
  repository_.SetAvailable(false);
  EXPECT_EQ(catalog_.ListOffices({}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(catalog_.GetOffice("mitte").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(catalog_.ListDistricts().status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace stadt::appointments
