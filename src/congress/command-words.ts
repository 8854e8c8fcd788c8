// The congress commands typed in chat. The motion dialog lets them through while a draft is open
// (a secretariat member checks a vote's progress, or votes, halfway through creating another).
export const VOTE_COMMAND = /^投票\s*(?:第\s*)?(\d{1,9})(?!\d)\s*(?:号\s*)?(?:[:：,，]\s*)?(\S{1,20})$/;
export const STATUS_COMMAND = /^表决(?:状态|进度)\s*(?:第\s*)?(\d{1,9})\s*号?$/;
export const CLOSE_COMMAND = /^(?:提前)?结束表决\s*(?:第\s*)?(\d{1,9})\s*号?$/;

/** True for a congress command (投票 / 表决状态 / 结束表决 with a motion's number). */
export const isCongressCommand = (text: string): boolean =>
  VOTE_COMMAND.test(text) || STATUS_COMMAND.test(text) || CLOSE_COMMAND.test(text);
