// Exits 0 once the broker at argv[2] answers a describeCluster and a topic metadata request.
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({
  clientId: 'evh-ready-probe',
  brokers: [process.argv[2]],
  logLevel: logLevel.NOTHING,
  retry: { retries: 0 },
  connectionTimeout: 2000,
});
const admin = kafka.admin();
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  if (cluster.brokers.length === 0) process.exit(1);
  await admin.listTopics();
  await admin.disconnect();
  process.exit(0);
} catch {
  process.exit(1);
}
