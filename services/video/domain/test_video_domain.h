#pragma once

// The fixture of the video domain's tests (not linked into the service):
// booking and consultations over one set of in-memory records, as main wires
// them.

#include <string>

#include "gtest/gtest.h"
#include "services/common/booking/domain/in_memory_booking_repository.h"
#include "services/common/fake_clock.h"
#include "services/video/domain/consultation_records.h"
#include "services/video/domain/consultations.h"
#include "services/video/domain/in_memory_schedule_repository.h"
#include "services/video/domain/in_memory_visit_repository.h"
#include "services/video/domain/schedules.h"
#include "services/video/domain/test_catalog.h"
#include "services/video/domain/video_bookings.h"

namespace stadt::video::testing {

inline VideoSettings TestSettings() {
  VideoSettings settings;
  settings.jitsi = {"stadtportal", "secret", "https://meet.stadt.example", "jitsi", ""};
  settings.privacy_notice_version = "2026-01";
  settings.terms_version = "3";
  settings.rejoin_margin = absl::Minutes(20);
  return settings;
}

class VideoDomainTest : public ::testing::Test {
 protected:
  ConsultationView Book(const std::string& citizen, absl::Time start,
                        const std::string& topic = "housing") {
    absl::StatusOr<VideoHold> hold = video_bookings_.CreateHold(citizen, topic, start);
    EXPECT_TRUE(hold.ok()) << hold.status();
    absl::StatusOr<ConsultationView> booked = video_bookings_.Confirm(
        citizen, hold.ok() ? hold->hold_id : "", {"Erika Muster", citizen + "@example.org", ""});
    EXPECT_TRUE(booked.ok()) << booked.status();
    return booked.value_or(ConsultationView{});
  }

  // Books, consents and checks in at the join lead time.
  std::string Waiting(const std::string& citizen, absl::Time start) {
    std::string code = Book(citizen, start).record.code;
    EXPECT_TRUE(consultations_.RecordConsent(citizen, code, "2026-01", "3").ok());
    clock_.Set(start - absl::Minutes(10));
    EXPECT_TRUE(consultations_.CheckIn(citizen, code).ok());
    return code;
  }

  const booking::BookingSecrets secrets_ =
      booking::BookingSecrets::Derive("video test key", "video");
  VideoCatalog catalog_ = TestCatalog();
  FakeClock clock_{Local(1, 7, 0)};
  booking::InMemoryBookingRepository bookings_;
  InMemoryVisitRepository visits_{bookings_};
  InMemoryScheduleRepository schedule_store_;
  ConsultationRecords records_{catalog_,
                               bookings_,
                               visits_,
                               clock_,
                               booking::Calendar(booking::BookingRules{}, Berlin()),
                               secrets_,
                               TestSettings(),
                               &schedule_store_};
  VideoBookings video_bookings_{records_};
  CaseworkerSchedules schedules_{records_, schedule_store_};
  Consultations consultations_{records_, secrets_};
};

}  // namespace stadt::video::testing
