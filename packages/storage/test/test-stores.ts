import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomName, s3TestEnv, tempDir } from '@evh/testing';
import { createLocalStore, createS3Store, type ObjectStore } from '../src/index.js';

/** An S3 store on the test run's versitygw, in a bucket of its own (created here). */
export async function testS3Store(prefix: string, partSizeBytes?: number): Promise<ObjectStore> {
  const env = s3TestEnv();
  const bucket = randomName(prefix).toLowerCase();
  const client = new S3Client({
    endpoint: env.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return createS3Store({ ...env, bucket, region: 'us-east-1', forcePathStyle: true, partSizeBytes });
}

/** Both kinds of store, each test file's store under test: a temp folder and a fresh bucket. */
export function testStores(prefix: string, partSizeBytes?: number): [string, () => Promise<ObjectStore>][] {
  return [
    ['local folder', async () => createLocalStore(tempDir(`${prefix}-`))],
    ['S3 (versitygw)', () => testS3Store(prefix, partSizeBytes)],
  ];
}
