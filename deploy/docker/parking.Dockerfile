# The parking service (stadt-parking). Build from the repository root:
#   docker build -f deploy/docker/parking.Dockerfile -t REGISTRY/stadt-parking:VERSION .
# See deploy/README.md for pushing and for the tag the manifests expect.
# Made from appointments.Dockerfile; differs in the target, the seed files, the date/tz
# library and the time zone data.

# ---- build: the same Debian 12 toolchain and -dev packages as deploy/setup.sh
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
      libhiredis-dev libssl-dev libhowardhinnant-date-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY proto proto
COPY services services
COPY gateway gateway
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTADT_BUILD_TESTS=OFF \
 && cmake --build /build --target stadt-parking \
 && strip --strip-debug -o /stadt-parking /build/services/parking/stadt-parking

# ---- runtime: slim Debian 12 with only the shared libraries the binary links
# (list derived with `ldd` on the built binary, mapped to packages with `dpkg -S`;
# libc6, libstdc++6 and libgcc-s1 are already in the slim image). libdate-tz3 is
# date/tz, which reads Europe/Berlin from the system tz database at start, so tzdata
# is installed explicitly as well: the service refuses to start without it.
FROM debian:12-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libre2-9 libc-ares2 zlib1g \
      libssl3 libboost-json1.81.0 libhiredis0.14 libdate-tz3 tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /stadt-parking /usr/local/bin/stadt-parking
# Fail the image build, not the rollout, when a runtime library is missing.
RUN if ldd /usr/local/bin/stadt-parking | grep 'not found'; then exit 1; fi
# The demo zones and tariffs; Kubernetes mounts the city's own from a ConfigMap instead.
COPY services/parking/seed/tariffs.json services/parking/seed/zones.geojson \
     services/parking/seed/holidays-bw-*.txt services/parking/seed/permit_areas.json \
     /usr/share/stadt/parking/
# A numeric user so that Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 65532:65532
ENV PARKING_GRPC_ADDRESS=0.0.0.0:50054 \
    PARKING_TARIFFS_FILE=/usr/share/stadt/parking/tariffs.json \
    PARKING_ZONES_FILE=/usr/share/stadt/parking/zones.geojson \
    PARKING_PERMIT_AREAS_FILE=/usr/share/stadt/parking/permit_areas.json
EXPOSE 50054
ENTRYPOINT ["/usr/local/bin/stadt-parking"]
