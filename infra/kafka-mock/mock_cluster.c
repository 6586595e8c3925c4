/*
 * mock_cluster: a Kafka-protocol test cluster on librdkafka's mock API (Debian librdkafka-dev).
 *
 *   mock_cluster [brokers]            default 3 brokers, ids 1..N, listening on 127.0.0.1
 *
 * First stdout line:  BOOTSTRAP 127.0.0.1:p1,127.0.0.1:p2,...
 * Then one command per stdin line, one answer line each (`OK ...` or `ERR ...`):
 *
 *   topic <name> <partitions> [replication]   rd_kafka_mock_topic_create
 *   down <brokerId>                           rd_kafka_mock_broker_set_down (no leader change)
 *   up <brokerId>                             rd_kafka_mock_broker_set_up
 *   leader <topic> <partition> <brokerId>     rd_kafka_mock_partition_set_leader (-1: none)
 *   error <apiKey> <errorCode> [count]        rd_kafka_mock_push_request_errors (count default 1)
 *   rtt <brokerId> <ms>                       rd_kafka_mock_broker_set_rtt
 *   coordinator <group|transaction> <key> <brokerId>
 *                                             rd_kafka_mock_coordinator_set (default: crc32 hash)
 *   ping                                      OK pong
 *   quit                                      destroys the cluster and exits 0
 *
 * Exits 0 on stdin EOF too, so the cluster never outlives the process that started it.
 * Broker logs go to stderr.
 *
 * What the librdkafka 2.0.2 mock cluster does (read in rdkafka_mock.c / rdkafka_mock_handlers.c /
 * rdkafka_mock_cgrp.c and checked against this binary with kcat and kafkajs 2.2.4):
 *
 * - Auto-creation: the brokers answer Metadata v0-2 only, which has no AllowAutoTopicCreation
 *   field, so a Metadata request that NAMES an unknown topic always CREATES it with the cluster
 *   defaults (4 partitions, replication min(3, brokers)), whatever the client's
 *   allowAutoTopicCreation says; kafkajs producers and consumers (and kcat) send such requests
 *   before producing or subscribing. A Metadata request for all topics creates nothing. A Produce
 *   request for an unknown topic is not auto-created (UNKNOWN_TOPIC_OR_PARTITION).
 *   CreateTopics, CreatePartitions, DeleteTopics and DescribeConfigs are not implemented, so
 *   kafkajs admin.createTopics fails ("Broker 0 not found": the advertised controller id is 0);
 *   topics must come from the `topic` command.
 * - Retention: each partition keeps a bounded log of message sets (produce batches): at most
 *   5 MiB (checked: 8 MB into one partition left the last ~5 MiB) and 100000 message sets (from
 *   the source); the OLDEST sets are dropped and the log start offset moves. A consumer behind it
 *   gets OFFSET_OUT_OF_RANGE and resets. There is no time-based retention. A Fetch returns at most
 *   ONE message set per partition, and an empty Fetch is answered after the full MaxWait even if
 *   data arrives meanwhile: keep the consumer's maxWaitTime small (latency) and batches large.
 * - Consumer groups: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit
 *   and OffsetFetch work with kafkajs (classic protocol; the leader client assigns). The
 *   coordinator is crc32(group) over the brokers unless pinned with `coordinator`. The first join
 *   of an empty group waits 3 s (group.initial.rebalance.delay); a later rebalance waits
 *   session.timeout - 1 s for members to rejoin; members silent for session.timeout are removed.
 *   OffsetCommit is refused while the group is joining (REBALANCE_IN_PROGRESS). Committed offsets
 *   live in memory per group and partition. DescribeGroups and ListGroups are not implemented
 *   (kafkajs admin.describeGroups / listGroups fail); admin.fetchOffsets and fetchTopicOffsets work.
 * - The idempotent producer needs InitProducerId, which kafkajs sends to the controller: use a
 *   non-idempotent producer with acks=-1. A broker taken down keeps leading its partitions (no
 *   leader election): they stall until it is back or `leader` moves them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_ERRORS 1000

static rd_kafka_mock_cluster_t *mcluster;
static int broker_count;

/** Parses a whole decimal integer; returns 0 on success. */
static int parse_int(const char *text, long *out) {
  char *end;
  if (!text || !*text) return -1;
  errno = 0;
  *out = strtol(text, &end, 10);
  return (errno || *end) ? -1 : 0;
}

static void reply(const char *status, const char *detail) {
  printf("%s%s%s\n", status, detail && *detail ? " " : "", detail ? detail : "");
  fflush(stdout);
}

static void reply_err(rd_kafka_resp_err_t err) {
  reply(err ? "ERR" : "OK", err ? rd_kafka_err2name(err) : "");
}

static void cmd_topic(char **argv, int argc) {
  long partitions, replication = broker_count < 3 ? broker_count : 3;
  if (argc < 3 || parse_int(argv[2], &partitions) || partitions < 1 ||
      (argc > 3 && (parse_int(argv[3], &replication) || replication < 1))) {
    reply("ERR", "usage: topic <name> <partitions> [replication]");
    return;
  }
  reply_err(rd_kafka_mock_topic_create(mcluster, argv[1], (int)partitions, (int)replication));
}

static void cmd_broker(char **argv, int argc, int up) {
  long id;
  if (argc != 2 || parse_int(argv[1], &id)) {
    reply("ERR", up ? "usage: up <brokerId>" : "usage: down <brokerId>");
    return;
  }
  reply_err(up ? rd_kafka_mock_broker_set_up(mcluster, (int32_t)id)
               : rd_kafka_mock_broker_set_down(mcluster, (int32_t)id));
}

static void cmd_leader(char **argv, int argc) {
  long partition, id;
  if (argc != 4 || parse_int(argv[2], &partition) || parse_int(argv[3], &id)) {
    reply("ERR", "usage: leader <topic> <partition> <brokerId>");
    return;
  }
  reply_err(rd_kafka_mock_partition_set_leader(mcluster, argv[1], (int32_t)partition, (int32_t)id));
}

static void cmd_error(char **argv, int argc) {
  static rd_kafka_resp_err_t errors[MAX_ERRORS];
  long api_key, code, count = 1;
  if (argc < 3 || parse_int(argv[1], &api_key) || parse_int(argv[2], &code) ||
      (argc > 3 && (parse_int(argv[3], &count) || count < 1 || count > MAX_ERRORS))) {
    reply("ERR", "usage: error <apiKey> <errorCode> [count<=1000]");
    return;
  }
  for (long i = 0; i < count; i++) errors[i] = (rd_kafka_resp_err_t)code;
  rd_kafka_mock_push_request_errors_array(mcluster, (int16_t)api_key, (size_t)count, errors);
  reply("OK", "");
}

static void cmd_rtt(char **argv, int argc) {
  long id, ms;
  if (argc != 3 || parse_int(argv[1], &id) || parse_int(argv[2], &ms) || ms < 0) {
    reply("ERR", "usage: rtt <brokerId> <ms>");
    return;
  }
  reply_err(rd_kafka_mock_broker_set_rtt(mcluster, (int32_t)id, (int)ms));
}

static void cmd_coordinator(char **argv, int argc) {
  long id;
  if (argc != 4 || (strcmp(argv[1], "group") && strcmp(argv[1], "transaction")) || parse_int(argv[3], &id)) {
    reply("ERR", "usage: coordinator <group|transaction> <key> <brokerId>");
    return;
  }
  reply_err(rd_kafka_mock_coordinator_set(mcluster, argv[1], argv[2], (int32_t)id));
}

/** Runs one command line; returns 1 when the program should exit. */
static int run_command(char *line) {
  char *argv[8];
  int argc = 0;
  for (char *tok = strtok(line, " \t\r\n"); tok && argc < 8; tok = strtok(NULL, " \t\r\n")) argv[argc++] = tok;
  if (argc == 0) return 0;
  if (!strcmp(argv[0], "quit")) {
    reply("OK", "bye");
    return 1;
  }
  if (!strcmp(argv[0], "topic")) cmd_topic(argv, argc);
  else if (!strcmp(argv[0], "down")) cmd_broker(argv, argc, 0);
  else if (!strcmp(argv[0], "up")) cmd_broker(argv, argc, 1);
  else if (!strcmp(argv[0], "leader")) cmd_leader(argv, argc);
  else if (!strcmp(argv[0], "error")) cmd_error(argv, argc);
  else if (!strcmp(argv[0], "rtt")) cmd_rtt(argv, argc);
  else if (!strcmp(argv[0], "coordinator")) cmd_coordinator(argv, argc);
  else if (!strcmp(argv[0], "ping")) reply("OK", "pong");
  else reply("ERR", "unknown command (topic, down, up, leader, error, rtt, coordinator, ping, quit)");
  return 0;
}

int main(int argc, char **argv) {
  char errstr[512];
  char line[4096];
  long brokers = 3;

  if (argc > 1 && (parse_int(argv[1], &brokers) || brokers < 1 || brokers > 64)) {
    fprintf(stderr, "usage: %s [brokers 1..64]\n", argv[0]);
    return 2;
  }
  broker_count = (int)brokers;
  signal(SIGPIPE, SIG_IGN);

  /* The mock API needs an rd_kafka_t for its bookkeeping; this handle never connects anywhere. */
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "conf: %s\n", errstr);
    return 1;
  }
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    return 1;
  }
  mcluster = rd_kafka_mock_cluster_new(rk, broker_count);
  if (!mcluster) {
    fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
    rd_kafka_destroy(rk);
    return 1;
  }

  printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
  fflush(stdout);

  while (fgets(line, sizeof line, stdin)) {
    if (run_command(line)) break;
  }

  rd_kafka_mock_cluster_destroy(mcluster);
  rd_kafka_destroy(rk);
  return 0;
}
