/**
 * The part of jStat (https://github.com/jstat/jstat, MIT) that Timepoint uses. jStat ships no
 * type declarations and DefinitelyTyped has none, so the two functions used are declared here.
 */
declare module 'jstat' {
  interface JStat {
    studentt: {
      /** Quantile (inverse CDF) of Student's t with `dof` degrees of freedom (need not be an integer). */
      inv(p: number, dof: number): number;
      cdf(x: number, dof: number): number;
    };
    normal: {
      /** Quantile of the normal distribution. */
      inv(p: number, mean: number, sd: number): number;
    };
  }
  const jStat: JStat;
  export default jStat;
}
