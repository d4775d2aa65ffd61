// The throttling plugin's own limiter, the light build (no Redis); typed as the full one.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
