import { describeDlqReplay } from "./dlq-suite";
import { KEYS, productEnv, startProduct, startReceivers, tempDataDir } from "./product";

describeDlqReplay("embedded, through the running instance's admin API", async (routesDir) => {
  const receivers = await startReceivers();
  const data = tempDataDir("dlq");
  const product = await startProduct(productEnv(receivers, data.dir, { RELAY_ROUTES_DIR: routesDir }));
  return {
    product,
    cliEnv: { ADMIN_API_KEYS: `e2e:${KEYS.admin}`, DATA_DIR: data.dir, LOG_LEVEL: "warn" },
    cliArgs: ["--url", product.url],
    async cleanup() {
      await product.stop();
      await receivers.close();
      data.remove();
    },
  };
});
