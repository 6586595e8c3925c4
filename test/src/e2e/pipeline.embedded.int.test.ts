import { describePipeline } from "./pipeline-suite";
import { productEnv, startProduct, startReceivers, tempDataDir } from "./product";

describePipeline("embedded", async () => {
  const receivers = await startReceivers();
  const data = tempDataDir("embedded");
  const product = await startProduct(productEnv(receivers, data.dir));
  return {
    product,
    receivers,
    async cleanup() {
      await product.stop();
      await receivers.close();
      data.remove();
    },
  };
});
