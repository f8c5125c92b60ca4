#include "services/appointments/domain/catalog_json.h"

#include "gtest/gtest.h"

namespace stadt::appointments {
namespace {

constexpr char kSeed[] = R"({
  "services": [{"id": "id-card", "name": "ID card", "duration_minutes": 15}],
  "offices": [{"id": "mitte", "name": "Buergerbuero Mitte", "district": "Mitte",
               "address": {"street": "Eberhardstr. 39", "postal_code": "70173", "city": "Stuttgart"},
               "opening_hours": [{"weekday": 1, "opens_minute": 480, "closes_minute": 1080}],
               "service_ids": ["id-card"]}]
})";

TEST(CatalogJsonTest, ParsesAValidSeed) {
  absl::StatusOr<Catalog> catalog = ParseCatalog(kSeed);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  ASSERT_EQ(catalog->offices.size(), 1u);
  EXPECT_EQ(catalog->offices[0].address.postal_code, "70173");
  EXPECT_EQ(catalog->offices[0].opening_hours[0].closes_minute, 1080);
  EXPECT_EQ(catalog->services[0].duration_minutes, 15);
}

TEST(CatalogJsonTest, OfficeRoundTrips) {
  Office office = ParseCatalog(kSeed).value().offices[0];
  EXPECT_EQ(OfficeFromJson(OfficeToJson(office)).value(), office);
  office.closures = {{"strike", "2027-03-02", "2027-03-03", 480, 720, 1, "Streik"}};
  EXPECT_EQ(OfficeFromJson(OfficeToJson(office)).value(), office);
}

TEST(CatalogJsonTest, ServiceRoundTripsWithCombinations) {
  ServiceType service{"id-card", "ID card", 20, {"passport", "registration"}};
  EXPECT_EQ(ServiceTypeFromJson(ServiceTypeToJson(service)).value(), service);
}

TEST(CatalogJsonTest, ServicePageRoundTrips) {
  ServiceType service{"passport", "Passport", 20};
  service.title = {"Reisepass beantragen", "Apply for a passport"};
  service.required_documents = {{"Biometrisches Passfoto", "Biometric passport photo"},
                                {"Bisheriger Ausweis", ""}};
  service.fee_cents = 7000;
  service.fee_note = {"unter 24 Jahren 37,50 EUR", "under 24: EUR 37.50"};
  EXPECT_EQ(ServiceTypeFromJson(ServiceTypeToJson(service)).value(), service);
}

TEST(CatalogJsonTest, AServiceWithoutAFeeReadsAsUnknownNotFree) {
  const ServiceType service =
      ServiceTypeFromJson(boost::json::object{{"id", "x"}, {"name", "X"}}).value();
  EXPECT_EQ(service.fee_cents, -1);
  EXPECT_TRUE(service.required_documents.empty());
}

TEST(CatalogJsonTest, OfficeLanguagesRoundTrip) {
  Office office = ParseCatalog(kSeed).value().offices[0];
  office.languages = {"de", "en", "tr"};
  EXPECT_EQ(OfficeFromJson(OfficeToJson(office)).value(), office);
}

TEST(CatalogJsonTest, RejectsMalformedServicePagesAndLanguages) {
  constexpr char kService[] = R"({"services": [{"id": "x", "name": "X", "duration_minutes": 5, )";
  constexpr char kOffice[] = R"({"offices": [{"id": "a", "name": "A", "district": "D",
      "address": {"street": "S", "postal_code": "1", "city": "C"}, )";
  for (const std::string& text : {
           std::string(kService) + R"("required_documents": ["Pass"]}]})",
           std::string(kService) + R"("required_documents": [{"en": "Passport only"}]}]})",
           std::string(kService) + R"("required_documents": [{"de": "ab"}]}]})",
           std::string(kService) + R"("title": "Pass"}]})",
           std::string(kService) + R"("fee_cents": -5}]})",
           std::string(kOffice) + R"("languages": ["DE"]}]})",
           std::string(kOffice) + R"("languages": ["deu"]}]})",
           std::string(kOffice) + R"("languages": ["de", "de"]}]})",
       }) {
    EXPECT_EQ(ParseCatalog(text).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(CatalogJsonTest, RejectsMalformedDocuments) {
  for (const char* text : {"", "[]", "{\"offices\": 3}", "{\"services\": [{\"id\": 7}]}",
                           "{\"services\": [{\"id\": \"x\", \"name\": \"X\", "
                           "\"duration_minutes\": 1e99}]}",
                           "{\"offices\": [{\"id\": \"a\", \"service_ids\": [\"ghost\"]}]}",
                           "{\"offices\": [{\"id\": \"a\", \"opening_hours\": [1]}]}"}) {
    EXPECT_EQ(ParseCatalog(text).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(CatalogJsonTest, RejectsDuplicateIds) {
  EXPECT_FALSE(ParseCatalog(R"({"services": [{"id": "a", "name": "A", "duration_minutes": 5},
                                             {"id": "a", "name": "B", "duration_minutes": 5}]})")
                   .ok());
}

}  // namespace
}  // namespace stadt::appointments
