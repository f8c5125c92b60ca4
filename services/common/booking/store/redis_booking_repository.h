#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "services/common/booking/domain/booking_repository.h"
#include "services/common/booking/store/booking_keys.h"
#include "services/common/redis/redis_client.h"

namespace stadt::booking {

// Holds and bookings in Redis, laid out by BookingKeys (booking_keys.h): each
// resource's keys in its bucket <b> (a prefix such as "appt:{appt:b07-3}:"),
// where every atomic step on that resource runs. The field "office" of the
// records is the resource id.
//   <b>booked:<resource>:<day>   hash bucket -> confirmed bookings
//   <b>holds:<resource>:<day>    zset "<hold>:<first>:<count>" -> expiry (ms)
//                                (a move's new place: "mv-<code>:...")
//   <b>hold:<hold>               hash, kept a day so a retried confirm finds
//                                the booking it became; awaiting its e-mail
//                                also email_hash (of the link token),
//                                pending_contact (sealed to the hold id),
//                                pending_attrs
//   <b>booking:<code>            hash; expires `retention` after the
//                                appointment, contact data with it
//   <b>moving:<code>             a move's record between its steps 1 and 3
//   <b>day:<resource>:<day>      zset code -> start (ms): the day's bookings
//   <b>reminders                 zset code -> when its reminder is due (ms)
//   <b>outbox                    stream of events for mailers and KPIs
//                                (booking.confirmed, .cancelled,
//                                .rescheduled, .reminder,
//                                .email_confirmation_requested,
//                                .links_requested)
// An id is looked up in its own bucket (BookingKeys::BucketOf): there is the
// record, or a stub {at: <bucket>} pointing where it is (an id that does not
// fit its resource's bucket, a booking moved to a resource of another one).
// Per citizen, in the citizen's slot <service>:{s:<subject>}:
//   ...subject                   set "b:<code>", "h:<hold>": the citizen's own
//                                bookings and their holds (export, erasure),
//                                written before the booking; expires with
//                                the last booking
//   ...client-hold               the client's open hold (expires with it)
// Per person key (e-mail, phone, login; a keyed hash), in the person's own
// slot <service>:{p:<key>}:
//   ...person                    zset code or "r:<hold>" -> start (ms):
//                                active bookings and reservations
//   ...person-svc:<svc>          the same per service
//   ...resv                      hash hold -> "<expires ms>|<start ms>|
//                                <services csv>": live reservations
//   ...resend                    set while a links mail to the person is
//                                recent (PX the minimum interval)
// A confirmation is three atomic steps (docs/redis-cluster.md): reserve in
// every person's slot, take in the office's slot, commit in the persons'
// slots; cancel and move change the office's slot first, then the persons'.
// An expired hold needs no sweeper: its zset score is in the past, so every
// reader ignores it and the next writer on that day removes it.
class RedisBookingRepository : public BookingRepository {
 public:
  struct Options {
    // The counter's check-in closes a booking: cancelling it is refused from
    // then on (BookingRules::check_in_closes_booking says the same to the core).
    bool check_in_closes_booking = false;
  };
  RedisBookingRepository(redis::Client& redis, BookingKeys keys, Options options)
      : redis_(redis), keys_(std::move(keys)), options_(options) {}
  RedisBookingRepository(redis::Client& redis, BookingKeys keys)
      : RedisBookingRepository(redis, std::move(keys), Options{}) {}
  // All in one bucket with `prefix` ("<service>:{<tag>}:").
  RedisBookingRepository(redis::Client& redis, std::string prefix, Options options)
      : RedisBookingRepository(redis, BookingKeys::Single(std::move(prefix)), options) {}
  RedisBookingRepository(redis::Client& redis, std::string prefix)
      : RedisBookingRepository(redis, BookingKeys::Single(std::move(prefix)), Options{}) {}

  const BookingKeys& keys() const { return keys_; }
  bool IdFitsResource(const std::string& id, const std::string& resource_id) const override;

  absl::StatusOr<std::vector<DayUsage>> GetUsage(const std::vector<ResourceDay>& days,
                                                 absl::Time now) override;
  absl::Status PutHold(const HoldRecord& hold, const SlotCapacity& capacity,
                       absl::Time now) override;
  absl::StatusOr<HoldRecord> GetHold(const std::string& hold_id) override;
  absl::StatusOr<std::string> ConfirmHold(const std::string& hold_id, const BookingRecord& booking,
                                          const PersonLimits& limits, absl::Time now,
                                          absl::Time delete_after) override;
  absl::StatusOr<HoldRecord> AwaitEmail(const std::string& hold_id, const std::string& client,
                                        const PendingEmail& pending, absl::Time until,
                                        absl::Time now) override;
  absl::StatusOr<BookingRecord> GetBooking(const std::string& code) override;
  absl::StatusOr<std::vector<std::string>> DayBookings(const ResourceDay& day) override;
  absl::StatusOr<BookingRecord> CancelBooking(const std::string& code, absl::Time now) override;
  absl::StatusOr<BookingRecord> CancelBookingBecause(const std::string& code, absl::Time now,
                                                     const ChangeCause& cause) override;
  absl::StatusOr<BookingRecord> MoveBookingBecause(const std::string& code,
                                                   const BookingRecord& moved,
                                                   const SlotCapacity& capacity, absl::Time now,
                                                   absl::Time delete_after,
                                                   const ChangeCause& cause) override;
  absl::StatusOr<int> EmitDueReminders(absl::Time now, int max) override;
  absl::StatusOr<int> RequestLinks(const std::string& person_key, const std::string& request_id,
                                   const std::string& sealed_contact, absl::Time now,
                                   absl::Duration min_interval) override;
  absl::StatusOr<BookingRecord> MoveBooking(const std::string& code, const BookingRecord& moved,
                                            const SlotCapacity& capacity, absl::Time now,
                                            absl::Time delete_after) override;

  // The steps of ConfirmHold, public so that the fault tests can stop between
  // them. Reserve: one booking of every person key of `booking` (its
  // service_ids and start are the hold's) in the person's own slot for
  // kReservationTtl, refused with limit_reached / service_already_booked;
  // idempotent by hold id. Take: the hold becomes the booking in the office's
  // slot (returns the code, also on a retry). Commit: the reservations become
  // the booking `record` (as stored) in the persons' slots; idempotent.
  static constexpr absl::Duration kReservationTtl = absl::Seconds(30);
  absl::Status ReservePersons(const std::string& hold_id, const BookingRecord& booking,
                              const PersonLimits& limits, absl::Time now, absl::Time delete_after);
  absl::StatusOr<std::string> TakeHold(const std::string& hold_id, const BookingRecord& booking,
                                       absl::Time now, absl::Time delete_after);
  absl::Status CommitPersons(const std::string& hold_id, const BookingRecord& record,
                             absl::Time delete_after);
  // The bucket prefix that keeps booking `code`'s record (following stubs):
  // a service's own per-booking records go there (video's visit).
  absl::StatusOr<std::string> RecordPrefix(const std::string& code);
  // A move to a resource of another bucket stops after its first (1) or
  // second (2) step: for the fault tests.
  void StopMovesAfterStepForTesting(int step) { stop_moves_after_ = step; }
  // The shortest a move's hold on its new place lasts (it lasts until the
  // appointment ends; this only guards an end already past).
  static constexpr absl::Duration kMoveHoldTtl = absl::Seconds(30);
  // Cancels in the office's slot only (the first step of CancelBookingBecause).
  absl::StatusOr<BookingRecord> CancelInOffice(const std::string& code, absl::Time now,
                                               const ChangeCause& cause);

  // Kinds of a service's own per-booking records ("<prefix><kind>:<code>",
  // e.g. video's "visit") that EraseSubject deletes with the booking.
  void EraseWith(std::vector<std::string> kinds) { erase_with_ = std::move(kinds); }
  // Kinds of a service's numbered per-day records that name a booking
  // ("<prefix><kind>:<resource>:<day>:<n>" with field `code`, numbered up to
  // "<prefix><kind>-seq:<resource>:<day>", e.g. appointments' counter
  // "ticket"): EraseSubject blanks the code there and keeps the record.
  void ForgetCodeIn(std::vector<std::string> kinds) { forget_code_in_ = std::move(kinds); }
  absl::StatusOr<std::vector<KeptBooking>> SubjectBookings(const std::string& subject) override;
  absl::StatusOr<int> EraseSubject(const std::string& subject, absl::Time now) override;

 private:
  // A record found by its id: the prefix of the bucket that keeps it, and its
  // fields (empty: none), and the prefixes passed on the way (its stubs).
  struct Located {
    std::string prefix;
    std::map<std::string, std::string> fields;
    std::vector<std::string> stubs;
  };
  absl::StatusOr<Located> Locate(const char* kind, const std::string& id);
  // Writes the stub of `id` in its own bucket if its record lives in
  // `record_prefix`'s bucket instead.
  absl::Status PointHome(const char* kind, const std::string& id, const std::string& record_prefix,
                         absl::Time expires, bool repoint);
  int BucketOfPrefix(const std::string& prefix) const;
  std::string DayKey(const std::string& prefix, const char* kind, const std::string& resource,
                     const std::string& day) const;
  absl::Status ReleaseHold(const std::string& hold_id);
  // The citizen's index entry of a confirm, as commands (sent with the
  // persons' reads of step 1).
  std::vector<std::vector<std::string>> IndexForSubjectCommands(const std::string& subject,
                                                                const std::string& code,
                                                                const std::string& hold_id,
                                                                absl::Time delete_after) const;
  absl::StatusOr<BookingRecord> MoveAcrossBuckets(const Located& from, const std::string& code,
                                                  const BookingRecord& moved,
                                                  const SlotCapacity& capacity, absl::Time now,
                                                  absl::Time delete_after,
                                                  const ChangeCause& cause);
  absl::Status SettleMove(const std::string& prefix, const std::string& code, absl::Time now);
  absl::Status ExtendSubject(const std::string& subject, absl::Time delete_after);
  // What one person key's slot counts besides this hold: its expired
  // reservations (hold id, services) and its bookings to come.
  struct PersonCount {
    std::vector<std::pair<std::string, std::vector<std::string>>> expired;
    std::vector<std::string> bookings;
  };
  // An entry's state in its office's slot: for "r:<hold>" the code the hold
  // became ('' if none), for a code its start ms ('' if cancelled or gone)
  // and its services.
  struct OfficeCheck {
    std::string verdict;
    std::vector<std::string> services;
  };
  // Step 1 for every person key: their counts read in one pipeline (after
  // `first`, commands of other slots sent along), every entry checked in the
  // office slots in one more, then one script per person key.
  absl::Status ReserveAll(const std::string& hold_id, const BookingRecord& booking,
                          const PersonLimits& limits, absl::Time now, absl::Time delete_after,
                          std::vector<std::vector<std::string>> first);
  absl::StatusOr<std::vector<PersonCount>> ReadPersonCounts(
      const std::vector<std::string>& persons, const std::string& hold_id, absl::Time now,
      std::vector<std::vector<std::string>> first);
  absl::StatusOr<std::map<std::string, OfficeCheck>> CheckInOffices(
      const std::vector<PersonCount>& counts);
  absl::Status ReservePerson(const std::string& person, const std::string& hold_id,
                             const BookingRecord& booking, const PersonCount& count,
                             const std::map<std::string, OfficeCheck>& verdicts,
                             const PersonLimits& limits, absl::Time now, absl::Time delete_after);
  // Step 2 on a hold already read (its bucket and fields).
  absl::StatusOr<std::string> TakeLocated(Located& hold, const std::string& hold_id,
                                          const BookingRecord& booking, absl::Time now,
                                          absl::Time delete_after);
  // Gives back the reservations of `hold_id` (take refused); best effort: an
  // expired reservation is settled by the person's next confirm anyway.
  void ReleasePersons(const std::vector<std::string>& persons, const std::string& hold_id,
                      const std::vector<std::string>& services);
  // The persons' slots of a cancel (drop) or a move (new start).
  absl::Status DropFromPersons(const std::string& code, const std::string& persons,
                               const std::vector<std::string>& services);
  absl::Status MoveInPersons(const BookingRecord& record);

  redis::Client& redis_;
  BookingKeys keys_;
  Options options_;
  int stop_moves_after_ = 0;
  std::vector<std::string> erase_with_;
  std::vector<std::string> forget_code_in_;
};

// The layout before the office buckets kept every booking under one prefix
// (`appt:{appt}:`, `video:{video}:`). This version does not read it
// (docs/redis-cluster.md, "Existing data"), so a service refuses to start
// while a booking is left there instead of silently losing sight of it:
// FailedPrecondition naming how many, else OK.
absl::Status RefuseBookingsOfOldLayout(redis::Client& redis, const std::string& old_prefix);

}  // namespace stadt::booking
