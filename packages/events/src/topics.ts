/** Names the whole platform agrees on; services take overrides from env for test isolation. */
export const EVENTS_TOPIC = 'events';
export const DLQ_TOPIC = 'events.dlq';
export const CONSUMER_GROUP = 'event-processors';
