// Recognises text that tries to instruct the bot rather than ask it something. Such text is still
// only ever treated as a question; this just lets the bot say plainly that it will not comply.
const PATTERNS: RegExp[] = [
  /忽略(之前|以上|上面|前面|所有|先前)?.{0,6}(指令|指示|规则|设定|提示)/,
  /ignore\s+(all\s+)?(previous|prior|above)/i,
  /(系统|隐藏)?提示词|system\s*prompt|hidden\s+instructions?|\bprompt\b/i,
  /(api[\s_-]?key|openai_|环境变量|\.env\b|配置文件|print\s+your\s+config|debug\s+mode)/i,
  /(你现在是|扮演|假装你是|act\s+as|you\s+are\s+now|\bDAN\b)/i,
  /(管理员指令|开发者模式|越狱|jailbreak|新指令|<\/?(context|system)>|^system:)/im,
  /(直接|帮我)(批准|通过|改成已通过|修改状态)/,
  /(黑进|入侵|攻击|破解).{0,12}(平台|系统|网站|服务器)/,
];

export function looksLikeInstruction(text: string): boolean {
  return PATTERNS.some((p) => p.test(text));
}
