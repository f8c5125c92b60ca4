#pragma once

#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/domain/booking_repository.h"

namespace stadt::appointments {

// Holds, bookings and their storage are the shared booking core's; the
// resource booked is an office (its counters).
using booking::BookingRecord;
using booking::BookingRepository;
using booking::BookingSecrets;
using booking::BookingStatus;
using booking::Contact;
using booking::HoldRecord;
using booking::IcsEvent;
using booking::IsWellFormedBookingCode;
using booking::MakeIcs;
using booking::SlotCapacity;
using OfficeDay = booking::ResourceDay;

}  // namespace stadt::appointments
