export { withoutRead } from './consumer-contracts.ts';
export { RecordingPublisher } from './recording-publisher.ts';
