import { GenericContainer } from 'testcontainers';

/**
 * A container whose ports are published on the host's 127.0.0.1 at the same number as inside,
 * as the local processes listen: the tests' addresses (Kafka's advertised listener among them)
 * are the same either way, and nothing is offered on the machine's other addresses.
 * testcontainers publishes on every address; its create options are rewritten just before.
 */
export class LoopbackContainer extends GenericContainer {
  private readonly loopbackPorts: number[] = [];

  withLoopbackPort(port: number): this {
    this.loopbackPorts.push(port);
    return this.withExposedPorts({ container: port, host: port });
  }

  protected override async beforeContainerCreated(): Promise<void> {
    for (const port of this.loopbackPorts) {
      this.hostConfig.PortBindings = {
        ...this.hostConfig.PortBindings,
        [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(port) }],
      };
    }
  }
}
