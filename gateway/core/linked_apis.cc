#include "gateway/core/linked_apis.h"

#include "stadt/appointments/v1/appointments.pb.h"
#include "stadt/audit/v1/audit.pb.h"
#include "stadt/daycare/v1/daycare.pb.h"
#include "stadt/monitoring/v1/monitoring.pb.h"
#include "stadt/notifications/v1/notifications.pb.h"
#include "stadt/parking/v1/parking.pb.h"
#include "stadt/privacy/v1/privacy.pb.h"
#include "stadt/video/v1/video.pb.h"

namespace stadt::gateway {

std::vector<LinkedApi> LinkedApis() {
  return {
      {"appointments",
       appointments::v1::Office::descriptor()->file()->FindServiceByName("Appointments"),
       "127.0.0.1:50051"},
      {"parking", parking::v1::Zone::descriptor()->file()->FindServiceByName("Parking"),
       "127.0.0.1:50054"},
      {"daycare", daycare::v1::Program::descriptor()->file()->FindServiceByName("Daycare"),
       "127.0.0.1:50053"},
      {"monitoring", monitoring::v1::Kpi::descriptor()->file()->FindServiceByName("Monitoring"),
       "127.0.0.1:50055"},
      {"video", video::v1::Topic::descriptor()->file()->FindServiceByName("Video"),
       "127.0.0.1:50052"},
      {"notifications",
       notifications::v1::DeadLetter::descriptor()->file()->FindServiceByName("Notifications"),
       "127.0.0.1:50056"},
      {"privacy", privacy::v1::MyData::descriptor()->file()->FindServiceByName("Privacy"),
       "127.0.0.1:50057"},
      {"audit", audit::v1::Entry::descriptor()->file()->FindServiceByName("Audit"),
       "127.0.0.1:50058"},
  };
}

}  // namespace stadt::gateway
