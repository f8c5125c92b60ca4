# Shared by the benchmark scripts (sourced, not run): ports, bounded waits and the
# 30-office catalog the booking benchmarks use. Expects $WORK, the run's scratch folder.

free_port() {  # the kernel's choice, not a guess that may be taken
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {  # a bounded wait (15 s): a service that did not start ends the run with its log
  for _ in $(seq 1 300); do
    if "$@" > /dev/null 2>&1; then return 0; fi
    sleep 0.05
  done
  echo "bench: gave up waiting for: $*" >&2
  tail -n 5 "$WORK"/*.log >&2 || true
  exit 1
}

# write_office_catalog FILE: 30 offices, open Monday to Saturday 7-19 h with 4 counters,
# every service; room for a booking run's holds.
write_office_catalog() {
  {
    echo '{"services":[{"id":"id-card","name":"ID card","duration_minutes":20,"combinable_with":["passport"]},'
    echo '{"id":"passport","name":"Passport","duration_minutes":20,"combinable_with":["id-card"]}],"offices":['
    for i in $(seq 1 30); do
      [ "$i" -gt 1 ] && echo ','
      echo "{\"id\":\"office-$i\",\"name\":\"Office $i\",\"district\":\"D$((i % 6))\","
      echo '"address":{"street":"Platz 1","postal_code":"70173","city":"Stuttgart"},"service_ids":["id-card","passport"],"counters":['
      for d in 1 2 3 4 5 6; do
        [ "$d" -gt 1 ] && echo ','
        echo "{\"weekday\":$d,\"from_minute\":420,\"to_minute\":1140,\"counters\":4}"
      done
      echo ']}'
    done
    echo ']}'
  } > "$1"
}
