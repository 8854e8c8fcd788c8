-- The secretariat's verification of an expulsion (第十九条: 经秘书处核实). Existing rows keep NULL:
-- expulsions made before this column have their verification inside "text"; other kinds have none.
-- AlterTable
ALTER TABLE "Motion" ADD COLUMN     "verification" TEXT;
