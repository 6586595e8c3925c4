export { type IpCheckerConfig, ipCheckerEnvSchema, loadIpCheckerConfig } from "./env";
export { locateLogin } from "./locate";
export { createIpCheckerService, type IpCheckerService, type IpCheckerServiceOptions } from "./service";
export { IP_CHECKER_STAGE, ipCheckerStage } from "./stage";
