import { describePrivacy } from "./privacy-suite";
import { productEnv, startProduct, startReceivers, tempDataDir } from "./product";

describePrivacy("embedded", async () => {
  const receivers = await startReceivers();
  const data = tempDataDir("privacy-embedded");
  return {
    receivers,
    start: (services) =>
      startProduct(productEnv(receivers, data.dir, services ? { LOGINGUARD_SERVICES: services } : {})),
    async cleanup() {
      await receivers.close();
      data.remove();
    },
  };
});
