#include "services/video/rpc/video_grpc_service.h"

#include <memory>

#include "gmock/gmock.h"
#include "grpcpp/server_context.h"
#include "grpcpp/test/server_context_test_spouse.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/in_memory_booking_repository.h"
#include "services/common/call_context.h"
#include "services/common/fake_clock.h"
#include "services/common/kpi/fake_kpi_recorder.h"
#include "services/video/domain/in_memory_schedule_repository.h"
#include "services/video/domain/in_memory_visit_repository.h"
#include "services/video/domain/test_catalog.h"

namespace stadt::video {
namespace {

// Signed-in paths run through the gateway in tests/e2e; here: conversions and
// what the adapter itself must refuse.
class VideoGrpcServiceTest : public ::testing::Test {
 protected:
  VideoCatalog catalog_ = testing::TestCatalog();
  FakeClock clock_{testing::Local(1, 7, 0)};
  booking::InMemoryBookingRepository bookings_;
  InMemoryVisitRepository visits_{bookings_};
  InMemoryScheduleRepository schedule_store_;
  const booking::BookingSecrets secrets_ = booking::BookingSecrets::Derive("k", "video");
  ConsultationRecords records_{catalog_,
                               bookings_,
                               visits_,
                               clock_,
                               booking::Calendar(booking::BookingRules{}, testing::Berlin()),
                               secrets_,
                               VideoSettings{},
                               &schedule_store_};
  VideoBookings video_bookings_{records_};
  Consultations consultations_{records_, secrets_};
  CaseworkerSchedules schedules_{records_, schedule_store_};
  VideoGrpcService service_{video_bookings_, consultations_, schedules_};
  grpc::ServerContext context_;
};

TEST_F(VideoGrpcServiceTest, ListsTopicsAndSlots) {
  v1::ListTopicsResponse topics;
  ASSERT_TRUE(service_.ListTopics(&context_, nullptr, &topics).ok());
  ASSERT_EQ(topics.topics_size(), 2);
  EXPECT_TRUE(topics.topics(0).id_check_required());
  EXPECT_EQ(topics.departments(1).id(), "jobcentre");
  v1::SearchSlotsRequest request;
  request.set_topic_id("job-advice");
  request.set_limit(2);
  v1::SearchSlotsResponse slots;
  ASSERT_TRUE(service_.SearchSlots(&context_, &request, &slots).ok());
  ASSERT_EQ(slots.slots_size(), 2);
  EXPECT_EQ(slots.slots(0).start().seconds(), absl::ToUnixSeconds(testing::Local(1, 9, 0)));
}

TEST_F(VideoGrpcServiceTest, RefusesBadInputAndAnonymousCallers) {
  v1::CreateHoldRequest hold;
  hold.set_topic_id("housing");
  hold.mutable_start()->set_nanos(-1);
  v1::Hold held;
  EXPECT_EQ(service_.CreateHold(&context_, &hold, &held).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  hold.mutable_start()->set_seconds(absl::ToUnixSeconds(testing::Local(1, 10, 0)));
  hold.mutable_start()->set_nanos(0);
  EXPECT_EQ(service_.CreateHold(&context_, &hold, &held).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::GetConsultationRequest get;
  get.set_booking_code("AAA-BBB-CCC");
  v1::Consultation consultation;
  EXPECT_EQ(service_.GetConsultation(&context_, &get, &consultation).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::ListWaitingRoomRequest room;
  room.set_date("2037-12-01");
  v1::ListWaitingRoomResponse entries;
  EXPECT_EQ(service_.ListWaitingRoom(&context_, &room, &entries).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::VerifyJoinTokenRequest verify;
  verify.set_booking_code("not a code");
  v1::VerifyJoinTokenResponse verified;
  EXPECT_EQ(service_.VerifyJoinToken(&context_, &verify, &verified).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// The KPI calls go through the adapter, as in production; the steps around
// them (hold, booking, consent, check-in) go straight to the domain, so every
// recorded sample comes from the call under test.
class VideoKpiTest : public VideoGrpcServiceTest {
 protected:
  // A call context as the gateway forwards it for `subject`. The spouse owns
  // the metadata strings the context refers to, so both live as long as the test.
  // Callers hold both the citizen and the video caseworker role; the catalog
  // says who is a caseworker of which department.
  grpc::ServerContext* As(const std::string& subject,
                          const std::string& roles = "citizen,video_caseworker",
                          const std::string& scopes = "department:*") {
    contexts_.push_back(std::make_unique<grpc::ServerContext>());
    spouses_.push_back(
        std::make_unique<grpc::testing::ServerContextTestSpouse>(contexts_.back().get()));
    spouses_.back()->AddClientMetadata(kSubjectMetadata, subject);
    spouses_.back()->AddClientMetadata(kRolesMetadata, roles);
    spouses_.back()->AddClientMetadata(kScopesMetadata, scopes);
    return contexts_.back().get();
  }

  std::vector<std::unique_ptr<grpc::ServerContext>> contexts_;
  std::vector<std::unique_ptr<grpc::testing::ServerContextTestSpouse>> spouses_;

  std::string Hold(const std::string& citizen, absl::Time start, const std::string& topic) {
    absl::StatusOr<VideoHold> hold = video_bookings_.CreateHold(citizen, topic, start);
    EXPECT_TRUE(hold.ok()) << hold.status();
    return hold.ok() ? hold->hold_id : "";
  }

  grpc::Status Confirm(const std::string& citizen, const std::string& hold_id,
                       v1::Consultation* response) {
    v1::ConfirmHoldRequest request;
    request.set_hold_id(hold_id);
    request.mutable_contact()->set_name("Erika Muster");
    request.mutable_contact()->set_email(citizen + "@example.org");
    return service_with_kpis_.ConfirmHold(As(citizen), &request, response);
  }

  // A housing consultation booked through the domain (so nothing recorded).
  std::string Booked(const std::string& citizen, absl::Time start) {
    absl::StatusOr<ConsultationView> booked = video_bookings_.Confirm(
        citizen, Hold(citizen, start, "housing"), {"Erika Muster", citizen + "@example.org", ""});
    EXPECT_TRUE(booked.ok()) << booked.status();
    return booked.ok() ? booked->record.code : "";
  }

  // Booked, consented and checked in at `checked_in`, all through the domain.
  std::string Waiting(const std::string& citizen, absl::Time start, absl::Time checked_in) {
    const std::string code = Booked(citizen, start);
    EXPECT_TRUE(consultations_.RecordConsent(citizen, code, "1", "1").ok());
    clock_.Set(checked_in);
    absl::StatusOr<ConsultationView> waiting = consultations_.CheckIn(citizen, code);
    EXPECT_TRUE(waiting.ok()) << waiting.status();
    return code;
  }

  grpc::Status Admit(const std::string& caseworker, const std::string& code,
                     v1::WaitingEntry* response) {
    v1::CaseworkerActionRequest request;
    request.set_booking_code(code);
    return service_with_kpis_.AdmitCitizen(As(caseworker), &request, response);
  }

  grpc::Status NoShow(const std::string& caseworker, const std::string& code,
                      v1::WaitingEntry* response) {
    v1::CaseworkerActionRequest request;
    request.set_booking_code(code);
    return service_with_kpis_.MarkNoShow(As(caseworker), &request, response);
  }

  grpc::Status Close(const std::string& caseworker, const std::string& code,
                     const std::string& outcome) {
    v1::CloseConsultationRequest request;
    request.set_booking_code(code);
    request.set_outcome(outcome);
    v1::WaitingEntry response;
    return service_with_kpis_.CloseConsultation(As(caseworker), &request, &response);
  }

  // Nothing that identifies the citizen travels with any event.
  void ExpectNoPersonalData(const std::string& citizen) {
    EXPECT_TRUE(kpis_.AllDimensionsAllowed());
    for (const KpiSample& sample : kpis_.samples()) {
      EXPECT_EQ(sample.occurrence_key.find(citizen), std::string::npos);
      for (const auto& [key, value] : sample.dimensions) {
        EXPECT_EQ(key, "department");
        EXPECT_EQ(value.find(citizen), std::string::npos);
        EXPECT_EQ(value.find("Erika"), std::string::npos);
        EXPECT_EQ(value.find("example.org"), std::string::npos);
      }
    }
  }

  FakeKpiRecorder kpis_;
  VideoGrpcService service_with_kpis_{video_bookings_, consultations_, schedules_, kpis_};
};

using ::testing::ElementsAre;
using ::testing::Pair;

TEST_F(VideoKpiTest, ConfirmRecordsBookedPerDepartmentKeyedByTheBookingCode) {
  const std::string hold = Hold("citizen-1", testing::Local(1, 10, 0), "housing");
  v1::Consultation first;
  grpc::Status status = Confirm("citizen-1", hold, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(first.booking_code().empty());
  // A replayed confirmation (a retry after a lost answer) gets the same
  // booking and therefore the same occurrence key.
  v1::Consultation replay;
  status = Confirm("citizen-1", hold, &replay);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(replay.booking_code(), first.booking_code());
  v1::Consultation job;
  status = Confirm("citizen-2", Hold("citizen-2", testing::Local(1, 9, 0), "job-advice"), &job);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const std::vector<KpiSample> booked = kpis_.samples("video_consultations_booked");
  ASSERT_EQ(booked.size(), 3u);
  EXPECT_EQ(booked[0].value, 1);
  EXPECT_THAT(booked[0].dimensions, ElementsAre(Pair("department", "social")));
  EXPECT_EQ(booked[0].occurrence_key, first.booking_code());
  EXPECT_EQ(booked[1].occurrence_key, booked[0].occurrence_key);
  EXPECT_EQ(booked[1].dimensions, booked[0].dimensions);
  // The department dimension gives each department's share.
  EXPECT_THAT(booked[2].dimensions, ElementsAre(Pair("department", "jobcentre")));
  EXPECT_EQ(booked[2].occurrence_key, job.booking_code());
  EXPECT_EQ(kpis_.samples().size(), 3u);  // booking alone is neither held nor a no-show
  ExpectNoPersonalData("citizen-");
}

TEST_F(VideoKpiTest, AdmissionRecordsHeldNotANoShowAndTheSecondsWaitedSinceCheckIn) {
  const std::string code = Waiting("citizen-1", testing::Local(1, 10, 0), testing::Local(1, 9, 52));
  clock_.Set(testing::Local(1, 10, 1));
  v1::WaitingEntry admitted;
  grpc::Status status = Admit("cw-ben", code, &admitted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(admitted.waited_seconds(), 9 * 60);

  const std::vector<KpiSample> held = kpis_.samples("video_consultations_held");
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].value, 1);
  EXPECT_THAT(held[0].dimensions, ElementsAre(Pair("department", "social")));
  EXPECT_EQ(held[0].occurrence_key, code);
  const std::vector<KpiSample> no_show = kpis_.samples("video_no_show_rate");
  ASSERT_EQ(no_show.size(), 1u);
  EXPECT_EQ(no_show[0].value, 0);
  EXPECT_THAT(no_show[0].dimensions, ElementsAre(Pair("department", "social")));
  EXPECT_EQ(no_show[0].occurrence_key, code);
  const std::vector<KpiSample> waited = kpis_.samples("video_wait_seconds");
  ASSERT_EQ(waited.size(), 1u);
  EXPECT_EQ(waited[0].value, 9 * 60);
  EXPECT_THAT(waited[0].dimensions, ElementsAre(Pair("department", "social")));
  EXPECT_EQ(waited[0].occurrence_key, code);
  EXPECT_EQ(kpis_.samples().size(), 3u);

  // Admitting again (a retry) answers the same and repeats the same events,
  // which the monitoring service counts once.
  clock_.Set(testing::Local(1, 10, 5));
  ASSERT_TRUE(Admit("cw-anna", code, &admitted).ok());
  for (std::string_view kpi :
       {"video_consultations_held", "video_no_show_rate", "video_wait_seconds"}) {
    const std::vector<KpiSample> samples = kpis_.samples(kpi);
    ASSERT_EQ(samples.size(), 2u) << kpi;
    EXPECT_EQ(samples[1].occurrence_key, samples[0].occurrence_key) << kpi;
    EXPECT_EQ(samples[1].value, samples[0].value) << kpi;
  }

  // Closing adds nothing: the consultation was counted as held on admission.
  ASSERT_TRUE(consultations_.MarkIdentityChecked("cw-anna", code).ok());
  status = Close("cw-anna", code, "resolved");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(kpis_.samples().size(), 6u);
  ExpectNoPersonalData("citizen-1");
}

TEST_F(VideoKpiTest, NoShowRecordsRatioOneKeyedByTheBookingCode) {
  const std::string code = Booked("citizen-1", testing::Local(1, 10, 0));
  clock_.Set(testing::Local(1, 10, 10));
  v1::WaitingEntry entry;
  grpc::Status status = NoShow("cw-anna", code, &entry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(NoShow("cw-ben", code, &entry).ok());  // a retry: the same key

  const std::vector<KpiSample> no_show = kpis_.samples("video_no_show_rate");
  ASSERT_EQ(no_show.size(), 2u);
  EXPECT_EQ(no_show[0].value, 1);
  EXPECT_THAT(no_show[0].dimensions, ElementsAre(Pair("department", "social")));
  EXPECT_EQ(no_show[0].occurrence_key, code);
  EXPECT_EQ(no_show[1].occurrence_key, code);
  EXPECT_EQ(kpis_.samples().size(), 2u);  // neither held nor a waiting time
  ExpectNoPersonalData("citizen-1");
}

TEST_F(VideoKpiTest, FailedCallsRecordNothing) {
  v1::Consultation consultation;
  EXPECT_EQ(Confirm("citizen-1", "no-such-hold", &consultation).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ConfirmHoldRequest anonymous;
  anonymous.set_hold_id("no-such-hold");
  EXPECT_EQ(service_with_kpis_.ConfirmHold(&context_, &anonymous, &consultation).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  const std::string expired = Hold("citizen-3", testing::Local(1, 11, 0), "housing");
  clock_.Advance(absl::Minutes(6));
  EXPECT_FALSE(Confirm("citizen-3", expired, &consultation).ok());

  const std::string booked = Booked("citizen-1", testing::Local(1, 10, 0));
  const std::string waiting =
      Waiting("citizen-2", testing::Local(1, 10, 0), testing::Local(1, 9, 55));
  clock_.Set(testing::Local(1, 10, 5));
  v1::WaitingEntry entry;
  EXPECT_EQ(Admit("cw-anna", booked, &entry).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // not in the waiting room
  EXPECT_EQ(Admit("cw-carla", waiting, &entry).error_code(),
            grpc::StatusCode::NOT_FOUND);  // another department
  EXPECT_EQ(Admit("citizen-2", waiting, &entry).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Anna (social welfare) needs the role and a token scoped to her department.
  v1::CaseworkerActionRequest admit;
  admit.set_booking_code(waiting);
  grpc::Status other_scope = service_with_kpis_.AdmitCitizen(
      As("cw-anna", "video_caseworker", "department:jobcentre"), &admit, &entry);
  EXPECT_EQ(other_scope.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(other_scope.error_details(), "scope_not_granted");
  grpc::Status no_role = service_with_kpis_.AdmitCitizen(
      As("cw-anna", "office_staff", "department:social"), &admit, &entry);
  EXPECT_EQ(no_role.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(no_role.error_details(), "role_not_allowed");
  EXPECT_EQ(NoShow("cw-anna", booked, &entry).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // within the grace period
  clock_.Set(testing::Local(1, 10, 10));
  EXPECT_EQ(NoShow("cw-anna", waiting, &entry).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // checked in
  EXPECT_EQ(Close("cw-anna", waiting, "resolved").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // not admitted
  EXPECT_TRUE(kpis_.samples().empty());
}

TEST(VideoConversionTest, WaitingEntryAndJoinLink) {
  WaitingEntry entry;
  entry.code = "AAA-BBB-CCC";
  entry.topic = {"housing", "Housing benefit", "social", 30, true};
  entry.start = absl::FromUnixSeconds(1'800'000'000);
  entry.end = entry.start + absl::Minutes(30);
  entry.visit.state = VisitState::kWaiting;
  entry.visit.waiting_since = entry.start - absl::Minutes(4);
  entry.waited = absl::Minutes(4);
  v1::WaitingEntry message;
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  ToProto(entry, berlin, &message);
  // 2027-01-15 08:00 UTC is 09:00 in Berlin (winter time).
  EXPECT_EQ(message.local_start(), "2027-01-15T09:00:00+01:00");
  EXPECT_EQ(message.local_waiting_since(), "2027-01-15T08:56:00+01:00");
  EXPECT_EQ(message.time_zone(), "Europe/Berlin");
  EXPECT_EQ(message.state(), v1::VISIT_STATE_WAITING);
  EXPECT_EQ(message.duration_minutes(), 30);
  EXPECT_EQ(message.waited_seconds(), 240);
  EXPECT_EQ(message.waiting_since().seconds(), 1'800'000'000 - 240);
  EXPECT_TRUE(message.id_check_required());
  EXPECT_FALSE(message.id_checked());

  JoinLink link{"https://meet/x?jwt=t", "x", "t", entry.start, entry.end, true};
  v1::JoinLink link_message;
  ToProto(link, berlin, &link_message);
  EXPECT_EQ(link_message.url(), "https://meet/x?jwt=t");
  EXPECT_TRUE(link_message.moderator());
  EXPECT_EQ(link_message.valid_until().seconds(), 1'800'000'000 + 1800);
}

TEST_F(VideoKpiTest, SchedulesThroughTheAdapter) {
  // Only a video caseworker reaches a schedule at all.
  v1::GetCaseworkerScheduleRequest get;
  get.set_caseworker_id("cw-ben");
  v1::CaseworkerSchedule ignored;
  EXPECT_EQ(
      service_.GetCaseworkerSchedule(As("cw-anna", "citizen", ""), &get, &ignored).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  grpc::ServerContext& context = *As("cw-anna");

  v1::DeclareAbsenceRequest declare;
  declare.set_caseworker_id("cw-ben");
  declare.mutable_absence()->set_id("ben-training");
  declare.mutable_absence()->set_from_date("2037-12-09");
  declare.mutable_absence()->set_to_date("2037-12-09");
  declare.mutable_absence()->set_kind(v1::ABSENCE_KIND_TRAINING);
  v1::AbsenceReport report;
  ASSERT_TRUE(service_.DeclareAbsence(&context, &declare, &report).ok());
  EXPECT_EQ(report.absence().kind(), v1::ABSENCE_KIND_TRAINING);
  declare.mutable_absence()->set_kind(v1::ABSENCE_KIND_UNSPECIFIED);
  EXPECT_EQ(service_.DeclareAbsence(&context, &declare, &report).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::SetCaseworkerAvailabilityRequest hours;
  hours.set_caseworker_id("cw-ben");
  v1::WeeklyWindow* window = hours.add_availability();
  window->set_weekday(4);
  window->set_from_minute(14 * 60);
  window->set_to_minute(15 * 60);
  v1::CaseworkerSchedule schedule;
  ASSERT_TRUE(service_.SetCaseworkerAvailability(&context, &hours, &schedule).ok());
  ASSERT_EQ(schedule.availability_size(), 1);
  EXPECT_EQ(schedule.availability(0).weekday(), 4);
  ASSERT_EQ(schedule.absences_size(), 1);
  EXPECT_EQ(schedule.absences(0).id(), "ben-training");

  v1::ResolveAbsenceRequest resolve;
  resolve.set_caseworker_id("cw-ben");
  resolve.set_absence_id("ben-training");
  EXPECT_EQ(service_.ResolveAbsence(&context, &resolve, &report).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // no action
  resolve.set_action(v1::ABSENCE_ACTION_LIST);
  EXPECT_TRUE(service_.ResolveAbsence(&context, &resolve, &report).ok());
}

}  // namespace
}  // namespace stadt::video
