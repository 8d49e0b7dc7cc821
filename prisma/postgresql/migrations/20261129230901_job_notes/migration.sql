-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "notes" TEXT;
